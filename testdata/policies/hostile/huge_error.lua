-- A multi-megabyte error() message for every queue: the output stays small
-- (each message is cut at 4096 bytes) and says how much of it was cut.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  error(string.rep('A', 6 * 1024 * 1024))
end)
