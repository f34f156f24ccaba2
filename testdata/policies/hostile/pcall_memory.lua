local kumo = require 'kumo'
-- pcall must not catch the memory limit.
kumo.on('get_queue_config', function() while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(100) .. i end end) end end)
