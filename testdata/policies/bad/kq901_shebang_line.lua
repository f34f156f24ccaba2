#!/usr/bin/env lua
-- Runs with the lua command, which skips this first line; kumod does not.
local kumo = require "kumo"
kumo.on("get_queue_config", function() return kumo.make_queue_config {} end)
