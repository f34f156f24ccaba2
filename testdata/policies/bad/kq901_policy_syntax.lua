local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config {
    retry_interval = '20m'
    max_age = '1d',
  }
end)
