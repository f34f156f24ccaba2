local kumo = require 'kumo'
-- Every open file holds a descriptor and a buffer outside Lua's memory.
collectgarbage('stop')
local keep = {}
for i = 1, 1e6 do keep[i] = io.open('testdata/policies/hostile/open_files.lua') end
