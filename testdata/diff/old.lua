-- `kumo-lint diff` golden: the policy before the change (new.lua is after).
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'smarthost.example.com' then
    return kumo.make_queue_config {
      protocol = { smtp = { mx_list = { 'mx1.example.net' } } },
    }
  end

  if domain == 'bulk.example.com' then
    return kumo.make_queue_config {
      retry_interval = '20m',
      max_retry_interval = '10m',
    }
  end

  return kumo.make_queue_config {
    retry_interval = '20 minutes',
    max_age = '3 days',
  }
end)
