-- The policy the expectation files in this folder test (kumo-lint test).
local kumo = require 'kumo'

kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool { name = pool_name, entries = { { name = pool_name .. '-ip-1' } } }
end)

kumo.on('get_egress_source', function(source_name)
  return kumo.make_egress_source { name = source_name }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if tenant == 'acme' and domain == 'gmail.com' then
    return kumo.make_queue_config {
      egress_pool = 'pool-2',
      max_age = '3 days',
      retry_interval = '20m',
      max_retry_interval = '4h',
      max_message_rate = '100/h',
    }
  end
  if domain == 'relay.example.com' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = { '10.0.0.1', '10.0.0.2' } } },
    }
  end
  if domain == 'broken.example.com' then
    return kumo.make_queue_config { max_age = '5 dayz' }
  end
  return kumo.make_queue_config {}
end)
