-- The first of two policies checked in one run: two_policies.args names the
-- second (more/relay.lua). Both read shared.toml, so its misspelt key is a
-- finding of each policy in a file they share. This one keeps KumoMTA's
-- default retry schedule (KQ203); the other names a pool it never defines.
local kumo = require 'kumo'
local QUEUES = kumo.toml_load 'testdata/several/shared.toml'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {}
end)
