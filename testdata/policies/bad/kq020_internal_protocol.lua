local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    protocol = kumo.make_queue_config{}.egress_pool, -- an unset optional field reads back as the null sentinel
  }
end)
