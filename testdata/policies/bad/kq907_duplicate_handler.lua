local kumo = require 'kumo'
kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name }
end)
kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name .. '-2' }
end)
