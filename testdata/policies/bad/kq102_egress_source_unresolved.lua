local kumo = require 'kumo'
kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name, entries = { { name = 'ip-1' } } }
end)
kumo.on('get_egress_source', function(name)
  error('unknown source ' .. name)
end)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'pool-a',
  }
end)
