local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  os.execute('touch /tmp/kumo-lint-hostile-exec')
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
