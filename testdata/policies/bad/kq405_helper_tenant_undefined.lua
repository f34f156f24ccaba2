local kumo = require 'kumo'
-- Data for KumoMTA's queue helper (policy-extras/queue.lua) with a misspelt tenant in a domain section;
-- kumo-lint checks any queues.toml-shaped file the policy loads.
local QUEUES = kumo.toml_load 'testdata/policies/bad/kq405_helper_tenant_undefined.toml'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
