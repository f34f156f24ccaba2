local kumo = require 'kumo'
getmetatable('').__index = function() error('string methods sabotaged') end
getmetatable('').__tostring = function() error('x') end
kumo.on('get_queue_config', function(domain) return kumo.make_queue_config { egress_pool = nil, max_retry_interval = '1h' } end)
