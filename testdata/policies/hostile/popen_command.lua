local kumo = require 'kumo'
-- At the top level io.popen degrades to a command that printed nothing; it never runs.
local f = io.popen('touch /tmp/kumo-lint-hostile-popen-top')
assert(f:read('a') == '' and f:read() == nil and select(3, f:close()) == 127)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local p = io.popen('touch /tmp/kumo-lint-hostile-popen')
  return kumo.make_queue_config { max_retry_interval = '1h' }
end)
