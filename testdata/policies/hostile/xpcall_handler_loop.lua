local kumo = require 'kumo'
-- A looping xpcall message handler must not outlive the budget either.
kumo.on('get_queue_config', function() while true do xpcall(function() while true do end end, function() while true do end end) end end)
