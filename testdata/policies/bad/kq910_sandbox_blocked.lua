local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  os.execute('touch /tmp/kumo-lint-pwned')
  return kumo.make_queue_config {}
end)
