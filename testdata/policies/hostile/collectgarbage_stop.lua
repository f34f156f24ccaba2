local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  collectgarbage('stop')
  local t = {}
  for i = 1, 1e9 do t[#t + 1] = { i } end
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
