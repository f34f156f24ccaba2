local kumo = require 'kumo'
-- utf8.len walks its string: each call is charged by the string's size.
kumo.on('get_queue_config', function()
  local s = string.rep('x', 1e6)
  while true do local _ = utf8.len(s) end
end)
