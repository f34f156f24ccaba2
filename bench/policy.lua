-- The handler both sides of check_throughput.sh run: a typical tenant and
-- domain mapping.
local kumo = require 'kumo'

local POOLS = { marketing = 'pool-bulk', alerts = 'pool-priority' }

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'relay.example.com' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = { 'relay-1.internal', { name = 'relay-2', addr = '10.0.0.2' } } } },
      max_retry_interval = '30m',
    }
  end
  return kumo.make_queue_config {
    egress_pool = POOLS[tenant],
    retry_interval = '10m',
    max_retry_interval = '2h',
    max_age = '3 days',
    max_message_rate = tenant == 'marketing' and '1,000/hr' or nil,
  }
end)

kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name, entries = { { name = name .. '-1' } } }
end)

kumo.on('get_egress_source', function(name)
  return kumo.make_egress_source { name = name }
end)
