local kumo = require 'kumo'
-- files/outside_link.txt is a committed symbolic link to /proc/version.
kumo.on('get_queue_config', function()
  local f = io.open('testdata/policies/hostile/files/outside_link.txt')
  return kumo.make_queue_config { egress_pool = f:read('a') }
end)
