-- Findings the team has accepted, each suppressed where it is reported:
-- KumoMTA's default retry schedule on one line, a misspelt data-file key for
-- the whole TOML file. --show-suppressed (in .args) prints them, marked.
local kumo = require 'kumo'
local QUEUES = kumo.toml_load 'testdata/policies/ok/suppressed_findings.toml'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'gmail.com' then
    -- kumo-lint: disable=KQ203 (the defaults are what we want for gmail)
    return kumo.make_queue_config {}
  end
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
