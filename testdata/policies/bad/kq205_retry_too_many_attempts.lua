local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    retry_interval = '1m',
    max_retry_interval = '1m',
    max_age = '30d',
  }
end)
