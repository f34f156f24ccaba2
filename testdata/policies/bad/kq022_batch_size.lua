local kumo = require 'kumo'
kumo.on('make.webhook', function() return {} end)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    protocol = { custom_lua = { constructor = 'make.webhook', batch_size = 10, min_batch_size = 50 } },
  }
end)
