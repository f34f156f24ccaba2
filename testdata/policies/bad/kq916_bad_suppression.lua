local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  -- KumoMTA's default retry settings, on purpose; the comment is misspelt, so
  -- KQ203 is still reported.
  return kumo.make_queue_config {} -- kumo-lint: disabel=KQ203
end)
