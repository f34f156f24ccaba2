local kumo = require 'kumo'
-- A cache kept in a global: filled by whichever queue comes first.
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if not RETRY_FOR then
    RETRY_FOR = { ['example.com'] = '5m' }
  end
  kumo.last_domain = domain
  return kumo.make_queue_config { retry_interval = RETRY_FOR[domain] }
end)
