-- table.move over 10^12 slots of an empty table: each copy of nil costs
-- no memory, so only the loop's length stops it.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local t = table.move({}, 1, 1e12, 2)
  return kumo.make_queue_config { max_age = t[1] or '1d' }
end)
