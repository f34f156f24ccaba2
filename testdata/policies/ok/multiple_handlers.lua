-- Two get_queue_config handlers: the first answers only for relayed
-- domains and passes everything else on with a bare return; the second maps
-- tenants to egress pools from a module next to the policy.
local kumo = require 'kumo'
local tenants = require 'modules.tenants'

kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool {
    name = name,
    entries = {
      { name = name .. '-a' },
      { name = name .. '-b', weight = 3 },
    },
    ttl = '5 minutes',
  }
end)

kumo.on('get_egress_source', function(name)
  return kumo.make_egress_source {
    name = name,
    ehlo_domain = 'mta.example.net',
    source_address = '192.0.2.10',
  }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if routing_domain == 'relay.internal' then
    return kumo.make_queue_config {
      protocol = {
        smtp = {
          mx_list = { 'relay-1.internal:2525', { name = 'relay-2', addr = '[2001:db8::25]:2525' } },
        },
      },
      max_retry_interval = '30m',
      max_age = '1 day',
    }
  end
  -- not ours: let the next handler decide
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  print('default handler for', domain, tenant)
  return kumo.make_queue_config {
    egress_pool = tenants.pools[tenant],
    max_message_rate = tenants.rates[tenant],
    retry_interval = 600,
    max_retry_interval = '2h',
    max_age = '5 days',
    refresh_strategy = 'Epoch',
  }
end)
