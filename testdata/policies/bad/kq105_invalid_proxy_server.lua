local kumo = require 'kumo'
kumo.on('get_egress_pool', function(name)
  return kumo.make_egress_pool { name = name, entries = { { name = 'proxied' } } }
end)
kumo.on('get_egress_source', function(name)
  return kumo.make_egress_source {
    name = name,
    socks5_proxy_server = 'proxy.example.com',
    socks5_proxy_source_address = '10.0.0.1',
  }
end)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'pool-a',
  }
end)
