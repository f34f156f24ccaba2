local kumo = require 'kumo'
-- .. out of the policy's directory, through a directory that exists.
kumo.on('get_queue_config', function()
  return kumo.make_queue_config { egress_pool = tostring(loadfile('testdata/policies/hostile/files/../../../../README.md')) }
end)
