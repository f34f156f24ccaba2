local kumo = require 'kumo'
-- Data for KumoMTA's sources helper (policy-extras/sources.lua) with a source address kumod rejects;
-- kumo-lint checks any sources.toml-shaped file the policy loads.
local SOURCES = kumo.toml_load 'testdata/policies/bad/kq402_sources_bad_value.toml'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
