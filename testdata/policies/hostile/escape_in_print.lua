-- The same tricks through every way a policy prints (print, kumo.log_*,
-- io.write), at the top level and in a handler: standard error in text mode
-- must show them escaped, one line each.
local kumo = require 'kumo'
local trick = '\27[2J\27[H\r0 errors\nx.lua:1:1: note[KQ000]: fake\7 \27]8;;https://evil.example/\27\\click\27]8;;\27\\ \u{202E}gpj.exe\u{85}\255'
print(trick)
kumo.log_error(trick)
io.write(trick)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  print(trick)
  kumo.log_warn(trick)
  io.write(trick)
  -- A config value too (without the byte that is not UTF-8, which kumod
  -- would refuse): the normalized config in text output is escaped.
  return kumo.make_queue_config { egress_pool = (trick:gsub('\255', '')) }
end)
