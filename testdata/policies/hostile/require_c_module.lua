local kumo = require 'kumo'
package.cpath = '/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;/usr/lib/x86_64-linux-gnu/?.so'
local ok, err = pcall(require, 'liblua5.4')
print(ok)
local f = package.loadlib('/usr/lib/x86_64-linux-gnu/liblua5.4.so.0', 'luaopen_base')
