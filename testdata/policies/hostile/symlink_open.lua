local kumo = require 'kumo'
-- files/hostname_link.txt is a committed symbolic link to /etc/hostname.
kumo.on('get_queue_config', function()
  local f = io.open('testdata/policies/hostile/files/hostname_link.txt')
  return kumo.make_queue_config { egress_pool = f:read('a') }
end)
