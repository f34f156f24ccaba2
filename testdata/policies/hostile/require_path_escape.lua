local kumo = require 'kumo'
package.path = '/etc/?'
local passwd = require 'passwd'
