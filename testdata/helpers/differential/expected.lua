-- The params KumoMTA's queue.lua computes for each queue of queues.txt from
-- testdata/helpers/etc/queues.toml, written out by hand: later layers win
-- ([queue.default] < domain < [tenant.T] < [queue.D.T] < campaign), and
-- queue.lua always adds refresh_strategy = 'Epoch'. A differential test
-- checks that kumo-lint running the real queue.lua prints the same configs.
local kumo = require 'kumo'

local DEFAULT = { refresh_strategy = 'Epoch', max_age = '2 days', retry_interval = '10m', max_retry_interval = '2h' }

local BY_QUEUE = {
  ['gmail.com'] = { max_age = '1 day', max_message_rate = '500/h' },
  -- [queue.'gmail.com'.'acme'] (12 hours) outranks [tenant.'acme'] (3 days).
  ['acme@gmail.com'] = { max_age = '12 hours', max_message_rate = '500/h', egress_pool = 'pool-2' },
  ['welcome:acme@gmail.com'] = { max_age = '12 hours', max_message_rate = '50/h', egress_pool = 'pool-2' },
  ['other:acme@gmail.com'] = { max_age = '12 hours', max_message_rate = '500/h', egress_pool = 'pool-2' },
  -- overall_max_message_rate is the helper's own key, never a queue option.
  ['acme@yahoo.com'] = { max_age = '3 days', egress_pool = 'pool-2' },
  ['default-tenant@outlook.com'] = { egress_pool = 'pool-1' },
  -- '*.example.net' matches any depth below example.net, not example.net.
  ['mail.example.net'] = { retry_interval = '5 minutes' },
  ['deep.sub.example.net'] = { retry_interval = '5 minutes' },
  ['example.net'] = {},
  ['unknown@example.org'] = {},
}

kumo.on('get_queue_config', function(domain, tenant, campaign)
  local name = (campaign and (campaign .. ':') or '') .. (tenant and (tenant .. '@') or '') .. domain
  local params = {}
  for k, v in pairs(DEFAULT) do
    params[k] = v
  end
  for k, v in pairs(BY_QUEUE[name] or {}) do
    params[k] = v
  end
  return kumo.make_queue_config(params)
end)
