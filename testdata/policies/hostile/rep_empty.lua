-- string.rep of the empty string allocates nothing, but Lua 5.4 still loops
-- once per repetition: 10^18 iterations in one call.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local nothing = string.rep('', 1e18)
  return kumo.make_queue_config { max_age = '1d' .. nothing }
end)
