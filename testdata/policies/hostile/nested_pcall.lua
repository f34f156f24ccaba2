local kumo = require 'kumo'
-- Every level of a recursion of pcalls would catch the budget once.
local function f() while true do pcall(f) end end
kumo.on('get_queue_config', function() f() end)
