local kumo = require 'kumo'
-- A JSON document parsed into more memory than --max-memory allows.
kumo.on('get_queue_config', function()
  local t = kumo.json_parse('[' .. string.rep('1,', 4e6) .. '1]')
  return kumo.make_queue_config {}
end)
