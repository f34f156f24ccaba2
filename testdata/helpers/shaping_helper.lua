-- Traffic shaping automation as KumoMTA's docs set it up: loading needs no
-- network (publishing and subscribing start from init, which kumo-lint
-- does not run).
local kumo = require 'kumo'
local shaping = require 'policy-extras.shaping'
local shaper = shaping:setup_with_automation {
  publish = { 'http://127.0.0.1:8008' },
  subscribe = { 'http://127.0.0.1:8008' },
  extra_files = { '/opt/kumomta/etc/policy/shaping.toml' },
}

kumo.on('init', function()
  shaper.setup_publish()
end)

kumo.on('get_egress_path_config', shaper.get_egress_path_config)

local queue_module = require 'policy-extras.queue'
queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }
