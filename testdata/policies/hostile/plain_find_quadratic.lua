-- A plain find whose needle's first half matches everywhere: Lua compares
-- half a megabyte at each of half a million positions (O(n * m)) in one call.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local haystack = 'a'
  for _ = 1, 20 do
    haystack = haystack .. haystack
  end
  local needle = haystack:sub(1, 1 << 19) .. 'b'
  if string.find(haystack, needle, 1, true) then
    return kumo.make_queue_config { max_age = '1d' }
  end
  return kumo.make_queue_config {}
end)
