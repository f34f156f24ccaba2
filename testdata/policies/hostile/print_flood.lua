local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  for i = 1, 1200 do print('line', i) end
  print(string.rep('y', 10000))
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
