#!/usr/bin/env bash
# memory.sh - peak memory of `oltap run` against the length of the run: the
# same TPC-C run (2 clients, PostgreSQL of the local stack) for a short and
# a long duration, peak RSS of each from GNU time's "Maximum resident set
# size". A run writes its time series as it goes and keeps only what the
# summary needs, so the two peaks must be within 10% of each other; before
# that change a run grew by about 330 KB per second (a 24-hour soak would
# have needed about 28 GB).
#
#   bench/memory.sh [--short 10s] [--long 10m] [--clients 2] [--bin build/oltap]
#
# Needs the stack (scripts/stack.sh up) and a build (build/oltap). Loads
# tpcc.yaml at scale 1 into a database of its own, oltap_bench_memory.
# Exits 0 when the long run's peak is within 10% of the short one's, 1 when
# not, 2 on bad usage.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

short=10s
long=10m
clients=2
bin=build/oltap
while [[ $# -gt 0 ]]; do
  case "$1" in
    --short) short="$2"; shift 2 ;;
    --long) long="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "memory: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x "$bin" ]] || { echo "memory: $bin not found: run scripts/setup.sh" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "memory: GNU time (/usr/bin/time) not found: apt-get install time" >&2; exit 2; }

eval "$(bash scripts/stack.sh env)"
db=oltap_bench_memory
base="${OLTAP_POSTGRES%/*}"
psql "$base/oltap" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
target="$base/$db"
"$bin" load workloads/tpcc.yaml --target "$target" --scale 1 --jobs 2 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# peak_kb DURATION: runs TPC-C for DURATION and prints its peak RSS in KB.
peak_kb() {
  /usr/bin/time -f '%M' -o "$work/time" "$bin" run workloads/tpcc.yaml --target "$target" \
    --clients "$clients" --warmup 0s --duration "$1" --out "$work/run-$1" >/dev/null 2>"$work/err" ||
    { cat "$work/err" >&2; exit 2; }
  tail -n1 "$work/time"
}

a=$(peak_kb "$short")
b=$(peak_kb "$long")
lines=$(($(wc -l <"$work/run-$long/timeseries.csv") - 1))
ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
echo "peak RSS: $short run $a KB, $long run $b KB (ratio $ratio; the long run wrote $lines interval rows)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.10 && r >= 0.90) }' && { echo "memory: within 10%"; exit 0; }
echo "memory: the long run's peak is not within 10% of the short run's"
exit 1
