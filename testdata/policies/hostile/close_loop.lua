local kumo = require 'kumo'
-- A to-be-closed variable's __close runs while the error unwinds.
kumo.on('get_queue_config', function() while true do pcall(function() local x <close> = setmetatable({}, { __close = function() while true do end end }); error('e') end) end end)
