local kumo = require 'kumo'
-- Everything that would make two runs differ: addresses, the clock, an
-- unseeded random number, pairs order of string keys. Each reads the same
-- on every run (docs/sandbox.md, "Deterministic by construction").
local t = {}
for _, k in ipairs { 'alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa' } do
  t[k] = true
end
local order = {}
for k in pairs(t) do order[#order + 1] = k end
print(table.concat(order, ' '))
print(t, print, string.format('%s %p', t, {}), tostring(coroutine.create(print)))
print(math.random(1000000), os.time(), os.date('%Y-%m-%d %H:%M:%S'), os.clock())
math.randomseed()
print(math.random(1000000))
kumo.on('get_queue_config', function(domain)
  local pools = {}
  for name in pairs { ['pool-a'] = 1, ['pool-b'] = 1, ['pool-c'] = 1 } do pools[#pools + 1] = name end
  return kumo.make_queue_config { egress_pool = pools[math.random(#pools)], max_retry_interval = '1h' }
end)
-- kumo.time reads the same fixed clock; elapsed and timers measure no time.
print(tostring(kumo.time.now()), kumo.time.now():format '%s%.f', tostring(kumo.time.now().elapsed),
  kumo.time.start_timer('t'):done())
