#!/bin/sh
# How kumo-lint's cost grows with the number of queues, against the same
# handler in a bare lua5.4 loop (bench/bare_handler.lua): CPU time (user +
# sys), wall time and peak RSS per output format, the runs of each repetition
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

# run NAME COMMAND...: appends "NAME cpu_seconds peak_kib wall_seconds" to $work/runs.
run() {
  name=$1
  shift
  /usr/bin/time -f "%U %S %M %e" -o "$work/time" "$@" > /dev/null 2>&1 || true
  awk -v name="$name" '{ printf "%s %.3f %d %.3f\n", name, $1 + $2, $3, $4 }' "$work/time" >> "$work/runs"
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
printf '%-8s %10s %8s %10s %12s\n' run "cpu s" "x bare" "wall s" "peak RSS MiB"
# median FIELD NAME: the median of a column over NAME's repetitions.
median() {
  grep "^$2 " "$work/runs" | sort -k"$1" -n | awk -v reps="$reps" -v f="$1" 'NR == int((reps + 1) / 2) { print $f }'
}
bare=$(median 2 bare)
for name in bare text quiet json jsonl sarif; do
  rss=$(grep "^$name " "$work/runs" | awk '{ if ($3 > m) m = $3 } END { print m }')
  awk -v name="$name" -v cpu="$(median 2 "$name")" -v wall="$(median 4 "$name")" -v bare="$bare" -v rss="$rss" \
    'BEGIN { printf "%-8s %10.2f %8.1f %10.2f %12.1f\n", name, cpu, (bare > 0 ? cpu / bare : 0), wall, rss / 1024 }'
done
