local kumo = require 'kumo'
-- Names kumo-lint would keep or copy: a 10 MB path, a 10 MB event name.
local long = string.rep('a', 1e7)
print(pcall(io.open, long))
print(pcall(require, long))
kumo.on(long, function() end)
