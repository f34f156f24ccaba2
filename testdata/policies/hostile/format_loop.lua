local kumo = require 'kumo'
-- string.format copies its string arguments: charged by their size.
kumo.on('get_queue_config', function()
  local s = string.rep('x', 1e6)
  while true do local _ = #string.format('%s', s) end
end)
