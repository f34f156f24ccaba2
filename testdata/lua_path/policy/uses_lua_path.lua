-- Needs --lua-path testdata/lua_path/lib for its module, --allow-read
-- testdata/lua_path/data.json for its data, and reads RETRY from os.getenv.
local kumo = require 'kumo'
local pools = require 'shared_pools'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local data = kumo.json_load('testdata/lua_path/data.json')
  return kumo.make_queue_config {
    egress_pool = pools.pool_for(tenant),
    max_age = data.max_age,
    retry_interval = os.getenv('KUMO_LINT_TEST_RETRY') or '20m',
    max_retry_interval = '1h',
  }
end)

kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name }
end)
