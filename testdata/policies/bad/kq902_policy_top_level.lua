local kumo = require 'kumo'
local settings = require 'settings_that_do_not_exist'
