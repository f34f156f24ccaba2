-- A realistic policy for the scale bench (bench/scale.sh): 20 domains, each
-- with its own rate, three tenants with their own pools and retry settings,
-- so 60 distinct configs; the bulk tenant keeps KumoMTA's default retry
-- schedule, a KQ203 warning on every one of its queues.
local kumo = require 'kumo'

local DOMAINS = {}
for i = 0, 19 do
  DOMAINS['d' .. i .. '.example.com'] = { rate = (i + 1) * 100 .. '/h', connections = i + 2 }
end

local TENANTS = {
  marketing = { pool = 'pool-marketing', retry_interval = '10m', max_retry_interval = '2h', max_age = '3 days' },
  alerts = { pool = 'pool-alerts', retry_interval = '1m', max_retry_interval = '20m', max_age = '1 day' },
  bulk = { pool = 'pool-bulk' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local d = DOMAINS[domain] or { rate = '50/h' }
  local t = TENANTS[tenant] or TENANTS.bulk
  return kumo.make_queue_config {
    egress_pool = t.pool,
    retry_interval = t.retry_interval,
    max_retry_interval = t.max_retry_interval,
    max_age = t.max_age,
    max_message_rate = d.rate,
  }
end)

kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name, entries = { { name = name .. '-1' } } }
end)

kumo.on('get_egress_source', function(name)
  return kumo.make_egress_source { name = name }
end)
