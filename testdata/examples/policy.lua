-- An example KumoMTA policy built on the kumo.make_queue_config reference
-- examples: tenants mapped to egress pools, a smarthost mx_list, a maildir
-- sink and a custom Lua webhook.
local kumo = require 'kumo'


kumo.on('get_egress_pool', function(pool_name)
  return kumo.make_egress_pool {
    name = pool_name,
    entries = {
      { name = pool_name .. '-ip-1' },
      { name = pool_name .. '-ip-2', weight = 2 },
    },
  }
end)

kumo.on('get_egress_source', function(source_name)
  return kumo.make_egress_source {
    name = source_name,
    ehlo_domain = 'mta.example.com',
  }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'smarthost.example.com' then
    -- Relay via internal infrastructure.
    return kumo.make_queue_config {
      protocol = {
        smtp = {
          mx_list = {
            'smart.host.local',
            { name = 'mx.example.com', addr = '10.0.0.1' },
          },
        },
      },
    }
  end

  if domain == 'maildir.example.com' then
    return kumo.make_queue_config {
      protocol = {
        maildir_path = '/var/tmp/kumo-maildir/{{ domain_part }}/{{ local_part }}',
      },
    }
  end

  if domain == 'webhook' then
    return kumo.make_queue_config {
      protocol = {
        custom_lua = { constructor = 'make.webhook' },
      },
    }
  end

  local pool = nil
  if tenant == 'marketing' then
    pool = 'pool-marketing'
  elseif tenant == 'transactional' then
    pool = 'pool-transactional'
  end

  return kumo.make_queue_config {
    egress_pool = pool,
    retry_interval = '20 minutes',
    max_retry_interval = '4 hours',
    max_age = '3 days',
    max_message_rate = domain == 'gmail.com' and '1,000/hr' or nil,
  }
end)

kumo.on('make.webhook', function(domain, tenant, campaign)
  local connection = {}
  function connection:send(message)
    return 'OK'
  end
  return connection
end)
