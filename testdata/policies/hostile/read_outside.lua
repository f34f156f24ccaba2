local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local secret = io.open('/etc/passwd'):read('a')
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
