-- A containerised deployment as KumoMTA's docker examples set it up: the
-- network and the TSA endpoints are resolved while loading (getent through
-- io.popen, answered here by --dns), shaping automation publishes to them.
local kumo = require 'kumo'
local docker_utils = require 'policy-extras.docker_utils'
local listener_domains = require 'policy-extras.listener_domains'
local shaping = require 'policy-extras.shaping'

local DOCKER_NETWORK = docker_utils.resolve_docker_network()
local tsa_publish = docker_utils.resolve_tsa_endpoints()

local shaper = shaping:setup_with_automation {
  publish = tsa_publish,
  subscribe = tsa_publish,
  extra_files = { '/opt/kumomta/etc/policy/shaping.toml' },
}

kumo.on('init', function()
  kumo.configure_redis_throttles { node = 'redis://redis/' }
  kumo.start_esmtp_listener {
    listen = '0.0.0.0:2525',
    relay_hosts = { '127.0.0.0/24', '::1', DOCKER_NETWORK },
  }
  shaper.setup_publish()
end)

kumo.on('get_listener_domain', listener_domains:setup { '/opt/kumomta/etc/policy/listener_domains.toml' })

local queue_module = require 'policy-extras.queue'
queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }
