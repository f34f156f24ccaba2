# bash completion for kumo-lint. Installed as
# share/bash-completion/completions/kumo-lint; each case arm lists its
# command's flags, which tests/cli/test_command_line_docs.cpp keeps equal to
# the command table's.

_kumo_lint() {
    local cur prev words cword
    _init_completion || return

    local cmd="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            check | timeline | explain | diff | test)
                cmd=${words[i]}
                break
                ;;
        esac
    done

    local opts="" formats=""
    case $cmd in
        "")
            opts="-h --help --version"
            if [[ $cur != -* ]]; then
                COMPREPLY=($(compgen -W "check timeline explain diff test" -- "$cur"))
                return
            fi
            ;;
        check)
            opts="-h --help -q --queue --queues-file -f --format --fail-level --color
                --lua-path --allow-read --map-path --dns --env --max-instructions --max-memory
                --timeout --run-timeout --timeline --hide-config --max-samples --jobs --explain-keys
                --progress --quiet --select --ignore --show-suppressed --config-file --no-config-file
                --baseline --attempt-duration --seed --max-attempts-shown --burst"
            formats="text json jsonl sarif github junit checkstyle"
            case $prev in
                --fail-level)
                    COMPREPLY=($(compgen -W "error warning" -- "$cur"))
                    return
                    ;;
            esac
            ;;
        timeline)
            opts="-h --help -q --queue --config -f --format --color --lua-path --allow-read
                --map-path --dns --env --max-instructions --max-memory --timeout --run-timeout
                --attempt-duration --seed --max-attempts-shown --burst --chart-width --spool-in"
            formats="text json svg"
            case $prev in
                --config)
                    compopt -o nospace
                    COMPREPLY=($(compgen -W "retry_interval= max_retry_interval= max_age= max_message_rate=" -- "$cur"))
                    return
                    ;;
            esac
            ;;
        explain)
            opts="-h --help -f --format"
            formats="text json"
            ;;
        diff)
            opts="-h --help -q --queue --queues-file -f --format --lua-path --allow-read --map-path
                --dns --env --max-instructions --max-memory --timeout --run-timeout --max-samples
                --attempt-duration --seed --max-attempts-shown --burst"
            formats="text json markdown"
            ;;
        test)
            opts="-h --help -f --format"
            formats="text junit"
            ;;
    esac

    case $prev in
        -f | --format)
            COMPREPLY=($(compgen -W "$formats" -- "$cur"))
            return
            ;;
        --color)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return
            ;;
        --queues-file | --config-file | --baseline | --dns | --allow-read)
            _filedir
            return
            ;;
        --lua-path)
            _filedir -d
            return
            ;;
        -q | --queue | --select | --ignore | --map-path | --env | --max-instructions | --max-memory | \
            --timeout | --run-timeout | --max-samples | --jobs | --attempt-duration | --seed | \
            --max-attempts-shown | --burst | --chart-width | --spool-in)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ $cmd == explain ]]; then
        return
    elif [[ $cmd == test ]]; then
        _filedir toml
    elif [[ $cmd == diff ]]; then
        _filedir
    else
        _filedir lua
    fi
} &&
    complete -F _kumo_lint kumo-lint
