-- sources.lua with a sources.toml holding two mistakes: each is reported at
-- its line and column in the TOML file, and the queues whose pool the
-- helper defines fail to resolve it.
local kumo = require 'kumo'
local sources = require 'policy-extras.sources'
sources:setup { '/opt/kumomta/etc/policy/bad/sources.toml' }

local queue_module = require 'policy-extras.queue'
queue_module:setup { '/opt/kumomta/etc/policy/queues.toml' }
