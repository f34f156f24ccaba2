-- One string.find call with a backtracking pattern: 2^40 ways to try, all
-- inside Lua's C matcher, where the instruction hook never runs.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local subject = string.rep('a', 40)
  local pattern = string.rep('a?', 40) .. string.rep('a', 40)
  if string.find(subject, pattern) then
    return kumo.make_queue_config { max_age = '1d' }
  end
  return kumo.make_queue_config {}
end)
