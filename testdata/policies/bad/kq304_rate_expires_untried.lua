local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    max_message_rate = '10/h',
    max_age = '2h',
    max_retry_interval = '20m',
  }
end)
