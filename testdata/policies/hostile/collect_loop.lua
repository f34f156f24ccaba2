local kumo = require 'kumo'
-- A full collection walks the heap: charged by the heap's size.
kumo.on('get_queue_config', function()
  local t = {}
  for i = 1, 2e4 do t[i] = { i } end
  while true do collectgarbage() end
end)
