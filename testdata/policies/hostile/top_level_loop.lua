local kumo = require 'kumo'
while true do end
