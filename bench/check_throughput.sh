#!/bin/sh
# Queues per second of `kumo-lint check` against the same handler in a bare
# lua5.4 loop, and kumo-lint's peak memory for the run.
# Usage: bench/check_throughput.sh [N] (default 200000); needs lua5.4 and GNU time.
set -eu
cd "$(dirname "$0")/.."
n=${1:-200000}
bin=${KUMO_LINT:-build/cli/kumo-lint}
queues=$(mktemp)
trap 'rm -f "$queues"' EXIT
awk -v n="$n" 'BEGIN { split("marketing alerts other", t, " "); for (i = 0; i < n; i++)
  printf "c%d:%s@d%d.example.com\n", i % 7, t[i % 3 + 1], i }' > "$queues"
echo "queues: $n"
start=$(date +%s.%N)
lua5.4 bench/bare_handler.lua bench/policy.lua "$queues" 2>/dev/null
bare=$(echo "$(date +%s.%N) - $start" | bc)
for format in json text; do
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o /tmp/kumo-lint-rss "$bin" check bench/policy.lua --queues-file "$queues" --format "$format" > /dev/null
  took=$(echo "$(date +%s.%N) - $start" | bc)
  printf 'kumo-lint check --format %s: %.2fs (%.0f queues/s), peak RSS %s KiB\n' "$format" "$took" \
    "$(echo "$n / $took" | bc -l)" "$(cat /tmp/kumo-lint-rss)"
done
printf 'bare lua5.4 handler loop: %.2fs (%.0f queues/s)\n' "$bare" "$(echo "$n / $bare" | bc -l)"
