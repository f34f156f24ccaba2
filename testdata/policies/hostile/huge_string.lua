local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local s = string.rep('x', 1 << 40)
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
