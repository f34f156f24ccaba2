local kumo = require 'kumo'
-- files/environ_link.lua is a committed symbolic link to /proc/self/environ.
local secrets = require 'files.environ_link'
