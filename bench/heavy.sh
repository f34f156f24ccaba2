#!/bin/sh
# What the instruction budget costs a handler that does real work
# (bench/policy_heavy.lua, about 10^5 Lua instructions per call): kumo-lint
# check --quiet against the same handler in a bare lua5.4 loop
# (bench/bare_handler.lua), and against kumo-lint with every instruction
# counted (a budget under 8,000,000 counts every call, docs/sandbox.md;
# 7,000,000 is still 70x what a call here needs).
# Interleaved runs, medians of R. Not part of ctest.
# Usage: bench/heavy.sh [N] [R]   (defaults 5000 and 5; needs lua5.4 and GNU time)
set -eu
cd "$(dirname "$0")/.."
n=${1:-5000}
reps=${2:-5}
bin=${KUMO_LINT:-build/cli/kumo-lint}
policy=bench/policy_heavy.lua
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "d%d.example.com\n", i }' > "$work/queues"

run() {
  name=$1
  shift
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" > /dev/null 2>&1 || true
  awk -v name="$name" '{ printf "%s %.3f\n", name, $1 + $2 }' "$work/time" >> "$work/runs"
}

i=0
while [ "$i" -lt "$reps" ]; do
  run bare lua5.4 bench/bare_handler.lua "$policy" "$work/queues"
  run unhooked "$bin" check "$policy" --queues-file "$work/queues" --quiet --jobs 1
  run counted "$bin" check "$policy" --queues-file "$work/queues" --quiet --jobs 1 --max-instructions 7000000
  i=$((i + 1))
done

median() { grep "^$1 " "$work/runs" | sort -k2 -n | awk -v reps="$reps" 'NR == int((reps + 1) / 2) { print $2 }'; }
bare=$(median bare)
echo "queues: $n, repetitions: $reps (medians of CPU seconds)"
for name in bare unhooked counted; do
  awk -v name="$name" -v cpu="$(median "$name")" -v bare="$bare" 'BEGIN { printf "%-9s %8.2f %6.2fx\n", name, cpu, cpu / bare }'
done
