-- Inserting at the front shifts every element: 100000 moves per call for a
-- handful of VM instructions per loop iteration.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local t = {}
  for i = 1, 100000 do
    t[i] = i
  end
  for i = 1, 1e6 do
    table.insert(t, 1, i)
  end
  return kumo.make_queue_config { max_age = '1d' }
end)
