local kumo = require 'kumo'
-- Each .. copies 1 MB: large allocations are charged as work.
kumo.on('get_queue_config', function()
  local s = string.rep('x', 1e6)
  while true do local _ = s .. 'y' end
end)
