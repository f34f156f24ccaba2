local kumo = require 'kumo'
-- Handlers cost host memory: registration stops at 10,000.
for i = 1, 1e6 do kumo.on('get_queue_config', function() end) end
