-- A bad duration in a per-domain Lua table merged into defaults: the finding
-- points at the literal in DOMAIN_CONFIG, naming the make_queue_config call
-- that took it; --explain-keys shows where each key of the other queue was set.
local kumo = require 'kumo'

local DEFAULTS = {
  max_age = '3 days',
  retry_interval = '10m',
}

local DOMAIN_CONFIG = {
  ['gmail.com'] = { retry_interval = '5 minuts', max_message_rate = '100/h' },
  ['yahoo.com'] = { max_age = '2 days' },
}

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local params = { egress_pool = 'pool-' .. (tenant or 'default') }
  for k, v in pairs(DEFAULTS) do params[k] = v end
  for k, v in pairs(DOMAIN_CONFIG[domain] or {}) do params[k] = v end
  return kumo.make_queue_config(params)
end)
