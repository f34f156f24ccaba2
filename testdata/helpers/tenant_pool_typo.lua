-- A tenant's egress_pool that sources.toml does not define, found with the
-- default samples alone (the tenant is sampled from queues.toml).
local kumo = require 'kumo'
local sources = require 'policy-extras.sources'
sources:setup { '/opt/kumomta/etc/policy/sources.toml' }

local queue_module = require 'policy-extras.queue'
queue_module:setup { '/opt/kumomta/etc/policy/typo/queues.toml' }
