-- KumoMTA's queue helper reading queues.toml from its installed path
-- (mapped to testdata/helpers/etc by --map-path).
local kumo = require 'kumo'
local queue_module = require 'policy-extras.queue'
local queue_helper = queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }

kumo.on('smtp_server_message_received', function(msg)
  queue_helper:apply(msg)
end)
