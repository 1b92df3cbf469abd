#!/usr/bin/env bash
# peer-bench.sh - oltap measured side by side with a peer tool, in one run,
# against the same database: interleaved pairs, medians, ratios. A benchmark,
# not a test: the machine is shared and noisy, so only ratios of runs made
# moments apart are compared, never absolute figures.
#
#   scripts/peer-bench.sh pgbench [--scale N] [--duration S] [--pairs N] [--clients N]
#
# pgbench: `pgbench -S -M prepared -c 8 -j 2` against
# `oltap run workloads/pgbench-select.yaml --clients 8` on the same pgbench
# tables. Targets: oltap's median throughput >= 0.95 x pgbench's, and its
# client CPU per transaction <= 1.2 x pgbench's. Client CPU is user+sys time
# of the client process, as bash's `time` reports it.
#
# Exits 0 when every target is met, 1 when one is missed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

peer="${1:-}"
shift || true
scale=10
duration=10
pairs=3
clients=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    *) echo "peer-bench: unknown option $1" >&2; exit 2 ;;
  esac
done

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# timed OUT CMD...: runs CMD with stdout+stderr in OUT; prints "user+sys" CPU seconds.
timed() {
  local out="$1"; shift
  local TIMEFORMAT='%U %S'
  local t
  t=$( { time "$@" >"$out" 2>&1; } 2>&1 ) || { echo "peer-bench: failed: $*" >&2; cat "$out" >&2; exit 1; }
  awk '{print $1 + $2}' <<<"$t"
}

bench_pgbench() {
  command -v pgbench >/dev/null || { echo "peer-bench: pgbench not found (apt-get install postgresql-contrib)" >&2; exit 2; }
  bash scripts/setup.sh >/dev/null
  bash scripts/stack.sh up postgres >/dev/null
  eval "$(bash scripts/stack.sh env)"
  local base="${OLTAP_POSTGRES%/*}"
  local db=oltap_peerbench
  local target="$base/$db"
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  local host port
  host=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\1#' <<<"$target")
  port=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\2#' <<<"$target")
  echo "loading pgbench tables at scale $scale with oltap (same layout as pgbench -i)"
  build/oltap load workloads/pgbench-select.yaml --target "$target" --scale "$scale"
  work=$(mktemp -d)  # global: the EXIT trap runs after this function returns
  trap 'rm -rf "$work"' EXIT
  echo "warming the cache: pgbench -S for ${duration}s (discarded)"
  pgbench -n -S -M prepared -c "$clients" -j 2 -T "$duration" -h "$host" -p "$port" -U oltap "$db" >/dev/null 2>&1

  printf '%-5s %-8s %12s %10s %12s %16s\n' pair tool tps cpu_s txns cpu_us_per_txn
  local i
  for ((i = 1; i <= pairs; i++)); do
    # Alternate which tool goes first so neither always gets the warmer turn.
    local order=(pgbench oltap)
    ((i % 2 == 0)) && order=(oltap pgbench)
    for tool in "${order[@]}"; do
      local cpu tps txns
      if [[ $tool == pgbench ]]; then
        cpu=$(timed "$work/pg$i" pgbench -n -S -M prepared -c "$clients" -j 2 -T "$duration" -h "$host" -p "$port" -U oltap "$db")
        tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$work/pg$i" | head -1)
        txns=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$work/pg$i")
      else
        cpu=$(timed "$work/ol$i" build/oltap run workloads/pgbench-select.yaml --target "$target" --scale "$scale" \
          --clients "$clients" --duration "${duration}s" --warmup 0s --out "$work/res$i")
        tps=$(awk -F, '$6 == "ALL" {print $12}' "$work/res$i/summary.csv")
        txns=$(awk -F, '$6 == "ALL" {print $9}' "$work/res$i/summary.csv")
      fi
      local per
      per=$(awk -v c="$cpu" -v n="$txns" 'BEGIN {printf "%.2f", c * 1e6 / n}')
      printf '%-5s %-8s %12.1f %10.2f %12d %16s\n' "$i" "$tool" "$tps" "$cpu" "$txns" "$per"
      echo "$tps" >>"$work/$tool.tps"
      echo "$per" >>"$work/$tool.cpu"
    done
  done
  local pg_tps ol_tps pg_cpu ol_cpu
  pg_tps=$(median <"$work/pgbench.tps")
  ol_tps=$(median <"$work/oltap.tps")
  pg_cpu=$(median <"$work/pgbench.cpu")
  ol_cpu=$(median <"$work/oltap.cpu")
  local tps_ratio cpu_ratio
  tps_ratio=$(awk -v a="$ol_tps" -v b="$pg_tps" 'BEGIN {printf "%.3f", a / b}')
  cpu_ratio=$(awk -v a="$ol_cpu" -v b="$pg_cpu" 'BEGIN {printf "%.3f", a / b}')
  echo
  echo "median tps:            pgbench $pg_tps   oltap $ol_tps"
  echo "median CPU us/txn:     pgbench $pg_cpu   oltap $ol_cpu"
  local ok=0
  if awk -v r="$tps_ratio" 'BEGIN {exit !(r >= 0.95)}'; then
    echo "throughput ratio oltap/pgbench: $tps_ratio (target >= 0.95): PASS"
  else
    echo "throughput ratio oltap/pgbench: $tps_ratio (target >= 0.95): FAIL"; ok=1
  fi
  if awk -v r="$cpu_ratio" 'BEGIN {exit !(r <= 1.2)}'; then
    echo "CPU per transaction ratio oltap/pgbench: $cpu_ratio (target <= 1.2): PASS"
  else
    echo "CPU per transaction ratio oltap/pgbench: $cpu_ratio (target <= 1.2): FAIL"; ok=1
  fi
  return "$ok"
}

case "$peer" in
  pgbench) bench_pgbench ;;
  *) sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2 ;;
esac
