-- A helper's type error reads as the helper wrote it (typing.lua formats it
-- from kumo.traceback's frames): the option is misspelt.
local queue_module = require 'policy-extras.queue'
queue_module:setup_with_options {
  file_names = { '/opt/kumomta/etc/policy/queues.toml' },
  skip_queue_config_hook = false,
  invalidate_with_epoc = true,
}
