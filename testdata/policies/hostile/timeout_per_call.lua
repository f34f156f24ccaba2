local kumo = require 'kumo'
-- --timeout is per call: the queue whose handler loops reports KQ912, and
-- the queues after it get a call (and a --timeout) of their own.
kumo.on('get_queue_config', function(domain)
  if domain == 'example.com' then while true do end end
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
