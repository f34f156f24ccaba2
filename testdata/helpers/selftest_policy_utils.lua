-- KumoMTA's own self-test of policy-extras/policy_utils.lua (its mod:test()), run by
-- kumo-lint: it checks the kumo functions the helper relies on.
require('policy-extras.policy_utils'):test()
print 'policy-extras.policy_utils: mod:test() passed'
