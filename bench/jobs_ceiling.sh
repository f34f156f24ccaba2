#!/bin/sh
# check --jobs P (P: the number of cores) against the single-threaded bare
# lua5.4 loop, and against a ceiling: "split", P `check --jobs 1`
# processes started together, each given 1/P of the queues (nothing
# shared, nothing handed between threads: the best P cores can do with
# kumo-lint's work per queue). Wall times; each round runs the bare loop,
# then per format split and --jobs P, and the medians of the per-round
# ratios to the bare loop are printed (on a noisy virtual machine the
# rounds' ratios agree better than their times). Not part of ctest;
# docs/performance.md has results.
# Usage: bench/jobs_ceiling.sh [N] [R]   (defaults 1000000 and 8; needs lua5.4, GNU time and python3)
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000000}
rounds=${2:-8}
bin=${KUMO_LINT:-build/cli/kumo-lint}
policy=bench/policy_many.lua
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$n" 'BEGIN { split("marketing alerts bulk", t, " ");
  for (i = 0; i < n; i++) printf "c%d:%s@d%d.example.com\n", i, t[i % 3 + 1], i % 20 }' > "$work/queues"
# The split's parts: every P-th line from the k-th.
k=0
while [ "$k" -lt "$cores" ]; do
  awk -v p="$cores" -v k="$k" 'NR % p == k' "$work/queues" > "$work/part$k"
  k=$((k + 1))
done

# wall COMMAND...: its wall time in seconds.
wall() {
  /usr/bin/time -f "%e" -o "$work/time" "$@" > /dev/null 2>&1 || true
  cat "$work/time"
}

# split FORMAT: the wall time of P processes, one per part, started together.
split() {
  start=$(date +%s.%N)
  k=0
  while [ "$k" -lt "$cores" ]; do
    "$bin" check "$policy" --queues-file "$work/part$k" --format "$1" --jobs 1 > /dev/null 2>&1 &
    k=$((k + 1))
  done
  wait
  awk -v start="$start" -v end="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", end - start }'
}

r=0
while [ "$r" -lt "$rounds" ]; do
  line="$(wall lua5.4 bench/bare_handler.lua "$policy" "$work/queues")"
  for format in text json jsonl; do
    line="$line $(split "$format") $(wall "$bin" check "$policy" --queues-file "$work/queues" --format "$format" --jobs "$cores")"
  done
  echo "$line" >> "$work/rounds"
  r=$((r + 1))
done

echo "queues: $n, rounds: $rounds, $cores cores: wall time over the bare loop's, medians of the rounds"
python3 - "$work/rounds" "$cores" <<'PY'
import statistics, sys
rows = [[float(x) for x in line.split()] for line in open(sys.argv[1])]
print("%-6s %8s %12s" % ("format", "split", "--jobs " + sys.argv[2]))
for i, name in enumerate(["text", "json", "jsonl"]):
    split = statistics.median(r[1 + 2 * i] / r[0] for r in rows)
    jobs = statistics.median(r[2 + 2 * i] / r[0] for r in rows)
    print("%-6s %8.2f %12.2f" % (name, split, jobs))
PY
