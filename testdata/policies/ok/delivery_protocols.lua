-- Every user-facing delivery protocol: maildir with modes, a batched
-- custom Lua webhook, and an xfer target; plus shrink policies.
local kumo = require 'kumo'

kumo.on('make.webhook', function(domain, tenant, campaign)
  local sender = {}
  function sender:send_batch(messages)
    return 'OK'
  end
  return sender
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'sink.example.com' then
    return kumo.make_queue_config {
      protocol = {
        maildir_path = '/var/spool/maildir/{{ tenant }}/{{ local_part }}',
        dir_mode = tonumber('775', 8),
        file_mode = tonumber('664', 8),
      },
      retry_interval = '1m',
      max_retry_interval = '1m',
      max_age = '1h',
    }
  elseif domain == 'webhook.example.com' then
    return kumo.make_queue_config {
      protocol = {
        custom_lua = {
          constructor = 'make.webhook',
          batch_size = 100,
          min_batch_size = 10,
          max_batch_latency = '5s',
        },
      },
      max_retry_interval = '10m',
      max_age = '12h',
    }
  elseif domain == 'peer.example.com' then
    return kumo.make_queue_config {
      protocol = { xfer = { target = 'HTTP://Peer.Example.com:8008' } },
      max_retry_interval = '1h',
    }
  end
  return kumo.make_queue_config {
    shrink_policy = {
      { interval = '30s', policy = 'NoShrink' },
      { interval = '5m', policy = 'ShrinkData' },
    },
    strategy = 'TimerWheel',
    timerwheel_tick_interval = '2s',
    max_retry_interval = '1h',
  }
end)
