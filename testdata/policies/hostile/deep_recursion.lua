local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local function f(n) return 1 + f(n + 1) end
  f(1)
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
