-- Saved by an editor that writes a byte-order mark.
local kumo = require "kumo"
kumo.on("get_queue_config", function() return kumo.make_queue_config {} end)
