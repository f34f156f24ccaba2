local kumo = require 'kumo'
kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name, entries = {} }
end)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'pool-a',
  }
end)
