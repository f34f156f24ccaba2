local kumo = require 'kumo'
-- Data for KumoMTA's sources helper (policy-extras/sources.lua) with a misspelt egress source option;
-- kumo-lint checks any sources.toml-shaped file the policy loads.
local SOURCES = kumo.toml_load 'testdata/policies/bad/kq401_sources_unknown_key.toml'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
