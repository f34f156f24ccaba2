-- Two get_queue_config handlers registered by one line, in a loop: the
-- same file and line, told apart only by their index. The first answers
-- the example.com queues and passes the rest on; the second answers them.
local kumo = require 'kumo'

for index = 1, 2 do
  kumo.on('get_queue_config', function(domain) if index == 2 or domain == 'example.com' then return kumo.make_queue_config { retry_interval = index .. '0m', max_age = '1h' } end end)
end
