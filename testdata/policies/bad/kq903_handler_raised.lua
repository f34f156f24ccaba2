local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local pools = nil
  return kumo.make_queue_config { egress_pool = pools[tenant] }
end)
