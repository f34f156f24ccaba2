local kumo = require 'kumo'
-- coroutine.resume returns errors as values: not the budget's.
kumo.on('get_queue_config', function() while true do coroutine.resume(coroutine.create(function() while true do end end)) end end)
