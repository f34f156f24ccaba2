-- The second policy of ../two_policies.args.
local kumo = require 'kumo'
local QUEUES = kumo.toml_load 'testdata/several/shared.toml'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { egress_pool = 'relay-pool', max_retry_interval = '1h' }
end)
