local kumo = require 'kumo'
-- A chunk name of 10 MB becomes the file name of every location in it.
kumo.on('get_queue_config', function() load('print("hi") error("boom")', '@' .. string.rep('A', 1e7))() end)
