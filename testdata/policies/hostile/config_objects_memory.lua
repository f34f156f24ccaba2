local kumo = require 'kumo'
-- One small list, many config objects holding a C++ copy of it each.
local mx = {}
for i = 1, 10000 do mx[i] = 'mx' .. i .. '.example.com' end
kumo.on('get_queue_config', function()
  local keep = {}
  for i = 1, 1e4 do keep[i] = kumo.make_queue_config { protocol = { smtp = { mx_list = mx } } } end
  return keep[1]
end)
