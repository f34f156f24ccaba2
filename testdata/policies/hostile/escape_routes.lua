local kumo = require 'kumo'
-- Every route to the host's originals that an attacker would try; the
-- policy reports which worked. Expected: none.
local found = {}
local function try(name, f)
  local ok, got = pcall(f)
  if ok and got then found[#found + 1] = name .. '=' .. tostring(got) end
end
try('require debug.sethook', function() return require('debug').sethook end)
try('require debug.getupvalue', function() return require('debug').getupvalue end)
try('package.loaded.debug.getregistry', function() return package.loaded.debug.getregistry end)
try('io.stdout', function() return io.stdout and io.stdout.read ~= nil and io.type(io.stdout) end)
try('getmetatable string', function() return getmetatable('') end)
try('getmetatable file', function() return getmetatable(io.open(debug.getinfo(1,'S').short_src)) end)
try('getmetatable kumo', function() return getmetatable(kumo) end)
try('getmetatable config', function() return getmetatable(kumo.make_queue_config{}) end)
try('getinfo f', function() return debug.getinfo(1, 'f').func end)
try('getinfo f in sort', function() local r; table.sort({3,2,1}, function(a,b) r = r or debug.getinfo(2,'f').func; return a<b end) return r end)
try('getinfo default', function() return debug.getinfo(1).func end)
try('io.popen runs a command', function() local f = require('io').popen('echo escaped'); return f and f:read('a') == 'escaped\n' end)
try('require os.execute works', function() return pcall(require('os').execute, 'true') end)
try('package.loadlib', function() return pcall(package.loadlib, '/lib/x86_64-linux-gnu/libc.so.6', 'system') end)
try('package.searchpath', function() return pcall(package.searchpath, 'passwd', '/etc/?') end)
try('coroutine escape', function() return coroutine.wrap(function() return require('debug').sethook end)() end)
try('_G.debug.setlocal', function() return _G.debug.setlocal end)
try('load env', function() return load('return debug.sethook')() end)
try('string.dump+load b', function() return load(string.dump(function() return 1 end), 'x', 'b') end)
try('io.lines stdin', function() return pcall(io.lines) end)
try('io.read', function() return pcall(io.read) end)
try('io.close()', function() return pcall(io.close) end)

try('collectgarbage', function() return collectgarbage('count') > 0 and nil end)
try('_ENV registry', function() return rawget(_G, '_LOADED') end)
error('escape routes that worked: ' .. (#found == 0 and 'none' or table.concat(found, ', ')))
