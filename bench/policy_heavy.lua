-- A handler doing real work: about 10^5 Lua VM instructions per call (a
-- string hash of the domain, 20,000 rounds), then a small config. For
-- bench/heavy.sh: what kumo-lint's limits cost on top of the Lua itself.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local h = 0
  for i = 1, 20000 do
    h = (h * 31 + i + #domain) % 1000003
  end
  return kumo.make_queue_config {
    max_age = '5 days',
    retry_interval = '20 minutes',
    max_message_rate = tostring(h % 50 + 10) .. '/s',
  }
end)
