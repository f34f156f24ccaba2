local kumo = require 'kumo'
-- Data for KumoMTA's queue helper (policy-extras/queue.lua) with a domain section written in capitals;
-- kumo-lint checks any queues.toml-shaped file the policy loads.
local QUEUES = kumo.toml_load 'testdata/policies/bad/kq404_helper_section_never_matches.toml'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
