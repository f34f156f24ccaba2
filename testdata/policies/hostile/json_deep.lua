local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  kumo.json_parse(string.rep('[', 100000) .. string.rep(']', 100000))
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
