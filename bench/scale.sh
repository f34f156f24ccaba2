#!/bin/sh
# How kumo-lint's cost grows with the number of queues, against the same
# handler in a bare lua5.4 loop (bench/bare_handler.lua): CPU time (user +
# sys) and peak RSS per output format, the runs of each repetition
# interleaved (bare, then every format) so that a busy machine slows all of
# them alike; medians of R repetitions. The policy is bench/policy_many.lua:
# 60 distinct configs, a KQ203 finding on a third of the queues, every
# queue name distinct. Not part of ctest; docs/performance.md has results.
# Usage: bench/scale.sh [N] [R]   (defaults 100000 and 3; needs lua5.4 and GNU time)
# JOBS=N runs check with --jobs N (default 1: the bare loop is one thread too).
set -eu
cd "$(dirname "$0")/.."
n=${1:-100000}
reps=${2:-3}
jobs=${JOBS:-1}
bin=${KUMO_LINT:-build/cli/kumo-lint}
policy=bench/policy_many.lua
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$n" 'BEGIN { split("marketing alerts bulk", t, " ");
  for (i = 0; i < n; i++) printf "c%d:%s@d%d.example.com\n", i, t[i % 3 + 1], i % 20 }' > "$work/queues"

# run NAME COMMAND...: appends "NAME cpu_seconds peak_kib" to $work/runs.
run() {
  name=$1
  shift
  /usr/bin/time -f "%U %S %M" -o "$work/time" "$@" > /dev/null 2>&1 || true
  awk -v name="$name" '{ printf "%s %.3f %d\n", name, $1 + $2, $3 }' "$work/time" >> "$work/runs"
}

i=0
while [ "$i" -lt "$reps" ]; do
  run bare lua5.4 bench/bare_handler.lua "$policy" "$work/queues"
  for format in text json jsonl sarif; do
    run "$format" "$bin" check "$policy" --queues-file "$work/queues" --format "$format" --jobs "$jobs"
  done
  run quiet "$bin" check "$policy" --queues-file "$work/queues" --quiet --jobs "$jobs"
  i=$((i + 1))
done

echo "queues: $n, repetitions: $reps (medians), $(nproc) cores, --jobs $jobs"
printf '%-8s %10s %8s %12s\n' run "cpu s" "x bare" "peak RSS MiB"
for name in bare text quiet json jsonl sarif; do
  grep "^$name " "$work/runs" | sort -k2 -n | awk -v reps="$reps" -v bare="$(grep '^bare ' "$work/runs" | sort -k2 -n |
    awk -v reps="$reps" 'NR == int((reps + 1) / 2) { print $2 }')" '
    NR == int((reps + 1) / 2) { cpu = $2 } { if ($3 > rss) rss = $3 }
    END { printf "%-8s %10.2f %8.1f %12.1f\n", $1, cpu, (bare > 0 ? cpu / bare : 0), rss / 1024 }'
done
