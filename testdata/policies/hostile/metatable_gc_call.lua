local kumo = require 'kumo'
-- Calling a config object's __gc by hand would free it while in use.
kumo.on('get_queue_config', function()
  local cfg = kumo.make_queue_config {}
  local mt = getmetatable(cfg)
  mt.__gc(cfg)
  return cfg
end)
