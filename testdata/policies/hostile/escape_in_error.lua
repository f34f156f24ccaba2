-- An error message built to fool a terminal and CI problem matchers: clear
-- the screen, return to column 0 and print "0 errors", forge a finding line
-- after a newline, ring the bell, hide a hyperlink (OSC 8), reverse text
-- (U+202E) and break the line with U+2028 and C1 NEL. Text output must show
-- all of it escaped, on the one line of this policy's own finding.
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  error('\27[2J\27[Hcleared\r0 errors\n'
    .. 'x.lua:1:1: note[KQ000]: fake\7'
    .. ' \27]8;;https://evil.example/\27\\click\27]8;;\27\\'
    .. ' \u{202E}txt.exe\u{2028}end\u{85}\t\127')
end)
