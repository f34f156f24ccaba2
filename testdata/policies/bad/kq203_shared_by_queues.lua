-- One mistake, many queues: the retry settings every queue shares give
-- KQ203 on each, and the tenant 'bulk' names an egress pool no handler
-- defines (KQ101) on two. The CI formats' goldens show a shared finding
-- reported once with the queues it affects (--quiet, github) or once per
-- queue (json, sarif, junit, checkstyle).
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local pool = nil
  if tenant == 'bulk' then
    pool = 'bulk-pool'
  end
  return kumo.make_queue_config {
    max_age = '7d',
    egress_pool = pool,
  }
end)
