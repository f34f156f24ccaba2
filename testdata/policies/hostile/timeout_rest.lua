local kumo = require 'kumo'
-- After --run-timeout nothing more runs: even a cheap handler reports
-- KQ912, so a long queue list ends promptly.
kumo.on('get_queue_config', function(domain)
  if domain == 'example.com' then while true do end end
  return kumo.make_queue_config {}
end)
