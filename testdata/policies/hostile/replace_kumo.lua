local real = require 'kumo'
-- Swap in a fake kumo whose make_queue_config returns plain tables.
local fake = setmetatable({ make_queue_config = function(t) return t end }, { __index = real })
package.loaded.kumo = fake
kumo = fake
real.on('get_queue_config', function()
  return require('kumo').make_queue_config { max_age = '1d' }
end)
