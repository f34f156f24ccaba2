-- KumoMTA's own self-test of policy-extras/typing.lua (its mod:test()), run by
-- kumo-lint: it checks the kumo functions the helper relies on.
require('policy-extras.typing'):test()
print 'policy-extras.typing: mod:test() passed'
