local kumo = require 'kumo'
-- pcall must not catch the wall-clock timeout.
kumo.on('get_queue_config', function() while true do pcall(function() while true do end end) end end)
