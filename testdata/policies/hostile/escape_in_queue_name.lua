-- Queue names from a queues file committed in the pull request, carrying a
-- terminal escape, a carriage return, C1 CSI, a bidi override and bytes that
-- are not UTF-8 (escape_in_queue_name.queues). KQ911 refuses the ones with
-- C0 controls or bad UTF-8; the others are evaluated. Text output shows
-- every name escaped.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
