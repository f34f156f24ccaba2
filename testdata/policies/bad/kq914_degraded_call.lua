local kumo = require 'kumo'
-- Resolved once at load time; kumo-lint has no DNS, so the list is empty.
local RELAYS = kumo.dns.lookup_addr 'relay.internal.example'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { max_retry_interval = '1h', egress_pool = #RELAYS > 0 and 'relays' or nil }
end)
