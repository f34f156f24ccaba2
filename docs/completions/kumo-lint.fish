# fish completion for kumo-lint. Installed as
# share/fish/vendor_completions.d/kumo-lint.fish; each line names the
# commands it applies to, and tests/cli/test_command_line_docs.cpp keeps
# every command's flags equal to the command table's.

set -l commands check timeline explain diff test
complete -c kumo-lint -f

# The program.
complete -c kumo-lint -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'Print help and exit'
complete -c kumo-lint -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version and the KumoMTA commit modeled'
complete -c kumo-lint -n "not __fish_seen_subcommand_from $commands" -a check -d 'Validate policies, print each queue config'
complete -c kumo-lint -n "not __fish_seen_subcommand_from $commands" -a timeline -d 'One queue retry schedule and chart'
complete -c kumo-lint -n "not __fish_seen_subcommand_from $commands" -a explain -d 'What a duration, throttle spec or queue name means'
complete -c kumo-lint -n "not __fish_seen_subcommand_from $commands" -a diff -d 'What changed per queue between two policies'
complete -c kumo-lint -n "not __fish_seen_subcommand_from $commands" -a test -d 'Check expectation files for a policy'

# Every command.
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline explain diff test' -s h -l help -d 'Print help and exit'

# check
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -F -a '*.lua'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -s q -l queue -x -d 'A queue: campaign:tenant@domain!routing_domain'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l queues-file -r -F -d 'Queue names, one per line (- for stdin)'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -s f -l format -x -a 'text json jsonl sarif github junit checkstyle' -d 'Output format'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l fail-level -x -a 'error warning' -d 'Exit 1 on findings at or above this severity'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l timeline -d 'Text: show every retry attempt'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l hide-config -d 'Text: leave out each queue config'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l max-samples -x -d 'At most this many default sample queues'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l jobs -x -d 'Evaluate queues on this many threads'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l explain-keys -d 'Text: where each key was set'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l progress -d 'Progress on stderr even when it is not a terminal'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l quiet -d 'Text: only the findings and the count'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l select -x -d 'Report only these codes'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l ignore -x -d 'Never report these codes'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l show-suppressed -d 'Text: also print suppressed findings'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l config-file -r -F -d 'Settings for this check (.kumo-lint.toml)'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l no-config-file -d 'Ignore any .kumo-lint.toml'
complete -c kumo-lint -n '__fish_seen_subcommand_from check' -l baseline -r -F -d 'An earlier check --format json output'

# timeline
complete -c kumo-lint -n '__fish_seen_subcommand_from timeline' -F -a '*.lua'
complete -c kumo-lint -n '__fish_seen_subcommand_from timeline' -s q -l queue -x -d 'The queue to evaluate'
complete -c kumo-lint -n '__fish_seen_subcommand_from timeline' -l config -x -a 'retry_interval= max_retry_interval= max_age= max_message_rate=' -d 'KEY=VALUE instead of a policy'
complete -c kumo-lint -n '__fish_seen_subcommand_from timeline' -s f -l format -x -a 'text json svg' -d 'Output format'
complete -c kumo-lint -n '__fish_seen_subcommand_from timeline' -l chart-width -x -d 'Columns of the chart time axis'
complete -c kumo-lint -n '__fish_seen_subcommand_from timeline' -l spool-in -x -d 'What kumod does at restart with a message of this age'

# explain
complete -c kumo-lint -n '__fish_seen_subcommand_from explain' -s f -l format -x -a 'text json' -d 'Output format'

# diff
complete -c kumo-lint -n '__fish_seen_subcommand_from diff' -F
complete -c kumo-lint -n '__fish_seen_subcommand_from diff' -s q -l queue -x -d 'A queue to compare'
complete -c kumo-lint -n '__fish_seen_subcommand_from diff' -l queues-file -r -F -d 'Queue names, one per line (- for stdin)'
complete -c kumo-lint -n '__fish_seen_subcommand_from diff' -s f -l format -x -a 'text json markdown' -d 'Output format'
complete -c kumo-lint -n '__fish_seen_subcommand_from diff' -l max-samples -x -d 'At most this many default sample queues'

# test
complete -c kumo-lint -n '__fish_seen_subcommand_from test' -F -a '*.toml'
complete -c kumo-lint -n '__fish_seen_subcommand_from test' -s f -l format -x -a 'text junit' -d 'Output format'

# check and timeline: how the policy runs, and the retry simulation.
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline' -l color -x -a 'auto always never' -d 'Color severities'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l lua-path -x -a '(__fish_complete_directories)' -d 'Another directory for require'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l allow-read -r -F -d 'A file or directory the policy may read'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l map-path -x -d 'FROM=TO: read the directory TO instead of FROM'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l dns -r -F -d 'DNS answers, one record per line as dig prints them'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l env -x -d 'What os.getenv sees: NAME=VALUE or NAME'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l max-instructions -x -d 'Lua instruction budget per load and handler call'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l max-memory -x -d 'Memory limit of the Lua state (MiB)'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l timeout -x -d 'Wall-clock limit per load and handler call (seconds)'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l run-timeout -x -d 'Wall-clock limit for the whole run (seconds)'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l attempt-duration -x -d 'Seconds each delivery attempt takes'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l seed -x -d 'Draw one reproducible jitter realization'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l max-attempts-shown -x -d 'Attempts listed before the tail is summarized'
complete -c kumo-lint -n '__fish_seen_subcommand_from check timeline diff' -l burst -x -d 'Messages due together for the max_message_rate preview'
