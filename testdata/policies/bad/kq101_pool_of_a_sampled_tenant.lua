-- Tenants named only as keys of a table the handler indexes with `tenant`
-- are sampled (acme@gmail.com, bulk@gmail.com) with no -q: bulk's
-- misspelt pool is found by the default run.
local kumo = require 'kumo'

local TENANT_POOLS = {
  acme = 'pool-acme',
  bulk = 'pool-bluk',
}

kumo.on('get_egress_pool', function(name)
  if name ~= 'pool-acme' and name ~= 'pool-bulk' then
    error('no such pool: ' .. name)
  end
  return kumo.make_egress_pool { name = name, entries = { { name = 'ip-1' } } }
end)

kumo.on('get_egress_source', function(name)
  return kumo.make_egress_source { name = name, source_address = '10.0.0.1' }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = TENANT_POOLS[tenant] or 'pool-acme',
    max_retry_interval = '1h',
  }
end)
