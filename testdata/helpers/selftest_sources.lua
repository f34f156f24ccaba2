-- KumoMTA's own self-test of policy-extras/sources.lua (its mod:test()), run
-- by kumo-lint: it expects an invalid socks5_proxy_server hostname to fail.
require('policy-extras.sources'):test()
print 'policy-extras.sources: mod:test() passed'
