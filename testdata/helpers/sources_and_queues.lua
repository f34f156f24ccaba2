-- The usual pairing: sources.lua defines the pools that queues.toml names.
local kumo = require 'kumo'
local sources = require 'policy-extras.sources'
sources:setup { '/opt/kumomta/etc/policy/sources.toml' }

local queue_module = require 'policy-extras.queue'
queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }
