local kumo = require 'kumo'
-- load returns a reader's error as a value.
kumo.on('get_queue_config', function() while true do load(function() while true do end end) end end)
