local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local co = coroutine.wrap(function() while true do coroutine.yield() end end)
  while true do co() end
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
