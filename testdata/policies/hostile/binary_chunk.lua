local kumo = require 'kumo'
local f, err = load(string.dump(function() os.execute('true') end), 'x', 'b')
print(f, err)
kumo.on('get_queue_config', function() return kumo.make_queue_config { max_retry_interval = '1h' } end)
