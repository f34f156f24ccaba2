local kumo = require 'kumo'
kumo.on('get_queue_config', function() return kumo.make_queue_config { max_retry_interval = '1h' } end)
setmetatable(_G, { __index = function(_, k) error('no global ' .. k) end, __newindex = function() error('frozen') end })
