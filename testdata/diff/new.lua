-- `kumo-lint diff` golden: the policy after the change (old.lua is before).
-- Every line moved down by these comment lines: findings that stay are
-- matched without their line numbers.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'smarthost.example.com' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = { 'mx1.example.net', 'mx2.example.net' } } },
    }
  end

  if domain == 'example.com' then
    return kumo.make_queue_config {
      retry_interval = '20 minutes',
      max_age = '5 days',
    }
  end

  if tenant == 'acme' then
    return kumo.make_queue_config { egress_pool = 'pool-2' }
  end

  if domain == 'bulk.example.com' then
    return kumo.make_queue_config {
      retry_interval = '20m',
      max_retry_interval = '2h',
    }
  end

  return kumo.make_queue_config {
    retry_interval = '20 minutes',
    max_age = '3 days',
  }
end)
