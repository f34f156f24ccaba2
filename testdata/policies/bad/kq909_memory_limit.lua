local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local t = {}
  for i = 1, 1e9 do t[i] = string.rep('x', 1024) .. i end
end)
