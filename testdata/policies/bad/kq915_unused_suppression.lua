local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  -- The cap was added later, so KQ203 no longer fires here; the comment stays behind.
  -- kumo-lint: disable=KQ203
  return kumo.make_queue_config { retry_interval = '20m', max_retry_interval = '2h', max_age = '3 days' }
end)
