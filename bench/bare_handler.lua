-- The baseline: the same policy's get_queue_config handler called for the
-- same queues in a bare lua5.4 loop, with kumo.make_queue_config as a stub
-- that returns its table. Usage: lua5.4 bare_handler.lua POLICY QUEUES_FILE
local handlers = {}
local kumo = {
  on = function(event, fn) handlers[event] = handlers[event] or {}; table.insert(handlers[event], fn) end,
  make_queue_config = function(t) return t end,
  make_egress_pool = function(t) return t end,
  make_egress_source = function(t) return t end,
}
package.loaded.kumo = kumo
dofile(arg[1])
local chain = handlers.get_queue_config
local n = 0
for name in io.lines(arg[2]) do
  local prefix, rest = name:match('^([^@]*)@(.*)$')
  local campaign, tenant
  if prefix then
    campaign, tenant = prefix:match('^([^:]*):(.*)$')
    if not campaign then tenant = prefix end
  else
    rest = name
  end
  local domain, routing = rest:match('^([^!]*)!(.*)$')
  domain = domain or rest
  for _, h in ipairs(chain) do
    if h(domain, tenant, campaign, routing) ~= nil then break end
  end
  n = n + 1
end
io.stderr:write(n, ' queues\n')
