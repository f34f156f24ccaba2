local kumo = require 'kumo'
setmetatable({}, { __gc = function() while true do end end })
kumo.on('get_queue_config', function() collectgarbage() return kumo.make_queue_config { max_retry_interval = '1h' } end)
