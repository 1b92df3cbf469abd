#!/usr/bin/env bash
# peer-bench.sh - oltap measured side by side with a peer tool, in one run,
# against the same server: interleaved pairs, medians, ratios. A benchmark,
# not a test: the machine is shared and noisy, so only ratios of runs made
# moments apart are compared, never absolute figures.
#
#   scripts/peer-bench.sh pgbench [--scale N] [--duration S] [--pairs N]
#   scripts/peer-bench.sh sysbench [--duration S] [--pairs N] [--threads T]
#   scripts/peer-bench.sh redis [--pairs N]
#   scripts/peer-bench.sh tpcc-load [--pairs N]
#   scripts/peer-bench.sh tpch-load [--sf SF] [--pairs N]
#   scripts/peer-bench.sh rate [--scale N] [--duration S] [--pairs N]
#   scripts/peer-bench.sh overhead [--duration S] [--pairs N]
#   scripts/peer-bench.sh all
#
# pgbench:  pgbench -S -M prepared -c 8 -j 2  vs  oltap pgbench-select.yaml, 8 clients.
#           Targets: tps >= 0.95 x, client CPU per transaction <= 1.2 x.
# sysbench: sysbench oltp_point_select, 8 threads, MariaDB  vs  oltap
#           sysbench-point-select.yaml on the native driver (Connector/C), 8
#           clients; then oltp_read_only vs sysbench-read-only.yaml the same
#           way. Targets: tps >= 1.0 x, client CPU per transaction <= 1.0 x.
#           oltap's point-select clients share 2 threads (run --threads 2),
#           as pgbench -j 2 runs its 8; --threads T sets T, --threads 0 gives
#           each client a thread of its own. Read only keeps a thread each (a
#           transaction of fourteen statements cannot share one).
# redis:    redis-benchmark -t get -c 50 (-r 100000 -d 100)  vs  oltap kv-get.yaml,
#           50 clients on one polling thread (--threads 1), as redis-benchmark
#           runs its 50 on one event loop: tps >= 0.9 x; with -P 16 /
#           --pipeline 16: >= 0.8 x.
# tpcc-load: pgbench -i -s 100 (10 million accounts, its keys, vacuum)  vs
#           oltap load tpcc.yaml --scale 10 --jobs 2 (10 warehouses, keys,
#           indexes, statistics), wall time on the same PostgreSQL:
#           oltap's time <= 1.0 x pgbench's.
# tpch-load: psql \copy of the same rows from CSV files (the tables oltap
#           loaded, written out once) into empty tables, one table after the
#           other (plain COPY)  vs  oltap load tpch.yaml --scale SF (--sf,
#           default 1) --jobs 2 --no-after-load (the rows only, as COPY):
#           oltap's speed >= 0.7 x COPY's (COPY's time / oltap's). Measured
#           beside them, for information: COPY ... FREEZE in the transaction
#           that empties the table (no WAL, as oltap's COPY), and oltap's whole
#           load with its keys, indexes and statistics.
# rate:     the open loop: pgbench -S -M prepared -R R -c 4 -j 4  vs  oltap
#           pgbench-select.yaml --rate R --clients 4 --seed PAIR (Poisson
#           arrivals, as pgbench -R; a thread per client on both sides, as
#           oltap runs them), R = 2000 and 5000, 20 s a run unless --duration
#           says otherwise (a Poisson count over 20 s at 2000/s is within 1%
#           of its mean about 95% of the time). Compared like with like, every
#           latency from each transaction's intended (scheduled) start, so
#           schedule lag included: pgbench's per-transaction log (--log: its
#           "time" runs from the scheduled start under -R; its mean is the
#           "latency average" pgbench prints) against oltap's lat_p50_ms and
#           lat_p99_ms. Targets: achieved rate within 1% of R for both, and
#           oltap's p50 and p99 within 10% of pgbench's. For information, the
#           service time (pgbench: the log's time minus its schedule_lag;
#           oltap: svc_p50_ms, svc_p99_ms) and the mean schedule lag
#           (pgbench's "rate limit schedule lag" avg, oltap's lag_mean_ms):
#           each tool's own lag is part of its intended-start latency
#           (pgbench sleeps with Linux's default 50 us timer slack, oltap
#           with 1 ns and a spin: see bench/schedule_bench).
# overhead: the point-select series of pgbench, sysbench and redis (pipeline
#           1) with their targets, then one table of client CPU per transaction
#           per engine beside its peer tool (the README's client-cost table).
# Client CPU is user+sys time of the client process (bash's `time`).
#
# Exits 0 when every target is met, 1 when one is missed, 2 on bad usage.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

peer="${1:-}"
shift || true
scale=10
sf=1
duration=
pairs=3
threads=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --sf) sf="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "peer-bench: unknown option $1" >&2; exit 2 ;;
  esac
done

rate_duration=${duration:-20}
duration=${duration:-10}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# timed OUT CMD...: runs CMD with stdout+stderr in OUT; sets CPU to its user+sys seconds.
timed() {
  local out="$1"; shift
  local TIMEFORMAT='%U %S' t
  t=$( { time "$@" >"$out" 2>&1; } 2>&1 ) || { echo "peer-bench: failed: $*" >&2; cat "$out" >&2; exit 1; }
  CPU=$(awk '{print $1 + $2}' <<<"$t")
}

# oltap_run NAME ARGS...: an oltap run into $work/NAME; sets TPS, TXNS, CPU.
oltap_run() {
  local name="$1"; shift
  timed "$work/$name.log" build/oltap run "$@" --warmup 0s --out "$work/$name"
  TPS=$(awk -F, '$6 == "ALL" {print $12}' "$work/$name/summary.csv")
  TXNS=$(awk -F, '$6 == "ALL" {print $9}' "$work/$name/summary.csv")
}

# series LABEL PEER OLTAP: $pairs interleaved pairs of the functions PEER and
# OLTAP (each sets TPS, TXNS, CPU), then medians.
series() {
  local label="$1" peer_fn="$2" oltap_fn="$3" i tool
  echo
  echo "== $label"
  printf '%-5s %-8s %12s %10s %12s %16s\n' pair tool tps cpu_s txns cpu_us_per_txn
  rm -f "$work"/*.tps "$work"/*.cpu
  for ((i = 1; i <= pairs; i++)); do
    # Alternate which tool goes first so neither always gets the warmer turn.
    local order=(peer oltap)
    ((i % 2 == 0)) && order=(oltap peer)
    for tool in "${order[@]}"; do
      if [[ $tool == peer ]]; then "$peer_fn" "$i"; else "$oltap_fn" "$i"; fi
      local per
      per=$(awk -v c="$CPU" -v n="$TXNS" 'BEGIN {printf "%.2f", c * 1e6 / n}')
      printf '%-5s %-8s %12.1f %10.2f %12d %16s\n' "$i" "$tool" "$TPS" "$CPU" "$TXNS" "$per"
      echo "$TPS" >>"$work/$tool.tps"
      echo "$per" >>"$work/$tool.cpu"
    done
  done
  PEER_TPS=$(median <"$work/peer.tps")
  OLTAP_TPS=$(median <"$work/oltap.tps")
  PEER_CPU=$(median <"$work/peer.cpu")
  OLTAP_CPU=$(median <"$work/oltap.cpu")
  echo "median tps:        peer $PEER_TPS   oltap $OLTAP_TPS"
  echo "median CPU us/txn: peer $PEER_CPU   oltap $OLTAP_CPU"
}

# verdict WHAT RATIO OP LIMIT: prints and records PASS/FAIL.
verdict() {
  if awk -v r="$2" -v l="$4" -v op="$3" 'BEGIN {exit !(op == ">=" ? r >= l : r <= l)}'; then
    echo "$1: $2 (target $3 $4): PASS"
  else
    echo "$1: $2 (target $3 $4): FAIL"
    failed=1
  fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }

# record ENGINE PEER: keeps the last series' medians for the overhead table.
POINT_SELECT_ONLY=
record() {
  printf '%s|%s|%s|%s|%s|%s\n' "$1" "$2" "$PEER_CPU" "$OLTAP_CPU" "$PEER_TPS" "$OLTAP_TPS" >>"$work/overhead"
}

# within WHAT RATIO TOLERANCE: prints and records PASS/FAIL for |RATIO - 1| <= TOLERANCE.
within() {
  if awk -v r="$2" -v t="$3" 'BEGIN {d = r - 1; exit !((d < 0 ? -d : d) <= t + 1e-9)}'; then
    echo "$1: $2 (target 1 +- $3): PASS"
  else
    echo "$1: $2 (target 1 +- $3): FAIL"
    failed=1
  fi
}

# quantile_ms Q FILE: the nearest-rank Q-quantile (as oltap's histogram
# takes one) of FILE's sorted values in us, in ms.
quantile_ms() {
  awk -v q="$1" 'NR == FNR {n++; next} FNR == int(q * n + 0.999999) {printf "%.3f", $1 / 1000}' "$2" "$2"
}

# csv_field FILE COLUMN: COLUMN (by its header's name) of FILE's row whose txn is ALL.
csv_field() {
  awk -F, -v col="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == col) c = i; next}
    $6 == "ALL" {print $c}' "$1"
}

# wall_load PAIR TOOL FILE CMD...: runs CMD (its output in $work/load.log,
# shown when it fails), prints its wall seconds as row PAIR TOOL and appends
# them to FILE.
wall_load() {
  local pair="$1" tool="$2" file="$3" start t
  shift 3
  start=$(date +%s.%N)
  "$@" >"$work/load.log" 2>&1 || { echo "peer-bench: failed: $*" >&2; cat "$work/load.log" >&2; exit 1; }
  t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')
  printf '%-5s %-8s %10s\n' "$pair" "$tool" "$t"
  echo "$t" >>"$file"
}

# ---------------------------------------------------------------- pgbench

bench_pgbench() {
  command -v pgbench >/dev/null || { echo "peer-bench: pgbench not found" >&2; exit 2; }
  local base="${OLTAP_POSTGRES%/*}" db=oltap_peerbench
  PG_TARGET="$base/$db"
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  PG_HOST=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\1#' <<<"$PG_TARGET")
  PG_PORT=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\2#' <<<"$PG_TARGET")
  echo "loading pgbench tables at scale $scale with oltap (the layout of pgbench -i)"
  build/oltap load workloads/pgbench-select.yaml --target "$PG_TARGET" --scale "$scale" >/dev/null 2>&1
  echo "warming the cache: pgbench -S for ${duration}s (discarded)"
  pgbench -n -S -M prepared -c 8 -j 2 -T "$duration" -h "$PG_HOST" -p "$PG_PORT" -U oltap "$db" >/dev/null 2>&1
  pg_peer() {
    timed "$work/pg$1" pgbench -n -S -M prepared -c 8 -j 2 -T "$duration" -h "$PG_HOST" -p "$PG_PORT" -U oltap oltap_peerbench
    TPS=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$work/pg$1" | head -1)
    TXNS=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$work/pg$1")
  }
  pg_oltap() {
    oltap_run "pgo$1" workloads/pgbench-select.yaml --target "$PG_TARGET" --scale "$scale" --clients 8 --duration "${duration}s"
  }
  series "pgbench -S -M prepared -c 8 -j 2 vs oltap pgbench-select.yaml --clients 8" pg_peer pg_oltap
  verdict "throughput ratio oltap/pgbench" "$(ratio "$OLTAP_TPS" "$PEER_TPS")" ">=" 0.95
  verdict "CPU per transaction ratio oltap/pgbench" "$(ratio "$OLTAP_CPU" "$PEER_CPU")" "<=" 1.2
  record "PostgreSQL (libpq)" "pgbench -S -M prepared -c 8 -j 2"
}

# ---------------------------------------------------------------- rate

bench_rate() {
  command -v pgbench >/dev/null || { echo "peer-bench: pgbench not found" >&2; exit 2; }
  local base="${OLTAP_POSTGRES%/*}" db=oltap_peerbench_rate clients=4 rate i tool
  local target="$base/$db" host port
  host=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\1#' <<<"$target")
  port=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\2#' <<<"$target")
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  echo "loading pgbench tables at scale $scale with oltap (the layout of pgbench -i)"
  build/oltap load workloads/pgbench-select.yaml --target "$target" --scale "$scale" >/dev/null 2>&1
  echo "warming the cache: pgbench -S for 10s (discarded)"
  pgbench -n -S -M prepared -c 8 -j 2 -T 10 -h "$host" -p "$port" -U oltap "$db" >/dev/null 2>&1
  for rate in 2000 5000; do
    echo
    echo "== pgbench -S -M prepared -R $rate -c $clients -j $clients vs oltap pgbench-select.yaml --rate $rate" \
      "--clients $clients, ${rate_duration}s (p50, p99: ms from the intended start; svc: from the send)"
    printf '%-5s %-8s %10s %9s %9s %9s %9s %12s %8s\n' pair tool tps p50_ms p99_ms svc_p50 svc_p99 lag_mean_ms cpu_s
    rm -f "$work"/rate.*
    for ((i = 1; i <= pairs; i++)); do
      local order=(peer oltap)
      ((i % 2 == 0)) && order=(oltap peer)
      for tool in "${order[@]}"; do
        local tps p50 p99 svc50 svc99 lag
        if [[ $tool == peer ]]; then
          rm -f "$work"/pgl.*
          timed "$work/pgr$i" pgbench -n -S -M prepared -R "$rate" -c "$clients" -j "$clients" -T "$rate_duration" \
            --log --log-prefix="$work/pgl" -h "$host" -p "$port" -U oltap "$db"
          tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$work/pgr$i" | head -1)
          lag=$(sed -nE 's/^rate limit schedule lag: avg ([0-9.]+).*/\1/p' "$work/pgr$i")
          # Each line: field 3 the transaction's time in us from its
          # scheduled start, field 7 its schedule lag (us).
          cat "$work"/pgl.* | awk '{print $3}' | sort -n >"$work/rate.lat"
          cat "$work"/pgl.* | awk '{print $3 - $7}' | sort -n >"$work/rate.svc"
          p50=$(quantile_ms 0.50 "$work/rate.lat")
          p99=$(quantile_ms 0.99 "$work/rate.lat")
          svc50=$(quantile_ms 0.50 "$work/rate.svc")
          svc99=$(quantile_ms 0.99 "$work/rate.svc")
        else
          timed "$work/ort$i.log" build/oltap run workloads/pgbench-select.yaml --target "$target" --scale "$scale" \
            --clients "$clients" --duration "${rate_duration}s" --rate "$rate" --seed "$i" --warmup 0s \
            --out "$work/ort$i"
          tps=$(csv_field "$work/ort$i/summary.csv" tps)
          p50=$(csv_field "$work/ort$i/summary.csv" lat_p50_ms)
          p99=$(csv_field "$work/ort$i/summary.csv" lat_p99_ms)
          svc50=$(csv_field "$work/ort$i/summary.csv" svc_p50_ms)
          svc99=$(csv_field "$work/ort$i/summary.csv" svc_p99_ms)
          lag=$(csv_field "$work/ort$i/summary.csv" lag_mean_ms)
          rm -rf "$work/ort$i"
        fi
        printf '%-5s %-8s %10.1f %9.3f %9.3f %9.3f %9.3f %12.3f %8.2f\n' "$i" "$tool" "$tps" "$p50" "$p99" \
          "$svc50" "$svc99" "$lag" "$CPU"
        echo "$tps" >>"$work/rate.$tool.tps"
        echo "$p50" >>"$work/rate.$tool.p50"
        echo "$p99" >>"$work/rate.$tool.p99"
        echo "$svc50" >>"$work/rate.$tool.svc50"
        echo "$svc99" >>"$work/rate.$tool.svc99"
      done
    done
    local peer_tps peer_p50 peer_p99 peer_svc50 peer_svc99 oltap_tps oltap_p50 oltap_p99 oltap_svc50 oltap_svc99
    peer_tps=$(median <"$work/rate.peer.tps")
    peer_p50=$(median <"$work/rate.peer.p50")
    peer_p99=$(median <"$work/rate.peer.p99")
    peer_svc50=$(median <"$work/rate.peer.svc50")
    peer_svc99=$(median <"$work/rate.peer.svc99")
    oltap_tps=$(median <"$work/rate.oltap.tps")
    oltap_p50=$(median <"$work/rate.oltap.p50")
    oltap_p99=$(median <"$work/rate.oltap.p99")
    oltap_svc50=$(median <"$work/rate.oltap.svc50")
    oltap_svc99=$(median <"$work/rate.oltap.svc99")
    echo "medians: pgbench tps $peer_tps p50 $peer_p50 p99 $peer_p99 (service p50 $peer_svc50 p99 $peer_svc99);" \
      "oltap tps $oltap_tps p50 $oltap_p50 p99 $oltap_p99 (service p50 $oltap_svc50 p99 $oltap_svc99)"
    echo "service-time ratios oltap/pgbench (information): p50 $(ratio "$oltap_svc50" "$peer_svc50")" \
      "p99 $(ratio "$oltap_svc99" "$peer_svc99")"
    within "pgbench achieved rate / $rate" "$(ratio "$peer_tps" "$rate")" 0.01
    within "oltap achieved rate / $rate" "$(ratio "$oltap_tps" "$rate")" 0.01
    within "p50 ratio oltap/pgbench at $rate/s" "$(ratio "$oltap_p50" "$peer_p50")" 0.10
    within "p99 ratio oltap/pgbench at $rate/s" "$(ratio "$oltap_p99" "$peer_p99")" 0.10
  done
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
}

# ---------------------------------------------------------------- tpcc-load

bench_tpcc_load() {
  command -v pgbench >/dev/null || { echo "peer-bench: pgbench not found" >&2; exit 2; }
  local base="${OLTAP_POSTGRES%/*}" i tool
  local host port
  host=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\1#' <<<"$OLTAP_POSTGRES")
  port=$(sed -E 's#.*@([^:/]+):([0-9]+)/.*#\2#' <<<"$OLTAP_POSTGRES")
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS oltap_peer_pgbench WITH (FORCE)" \
    -c "CREATE DATABASE oltap_peer_pgbench" -c "DROP DATABASE IF EXISTS oltap_peer_tpcc WITH (FORCE)" \
    -c "CREATE DATABASE oltap_peer_tpcc" >/dev/null
  echo
  echo "== pgbench -i -s 100 vs oltap load tpcc.yaml --scale 10 --jobs 2 (wall seconds)"
  printf '%-5s %-8s %10s\n' pair tool seconds
  rm -f "$work"/load.*
  for ((i = 1; i <= pairs; i++)); do
    local order=(peer oltap)
    ((i % 2 == 0)) && order=(oltap peer)
    for tool in "${order[@]}"; do
      if [[ $tool == peer ]]; then
        wall_load "$i" "$tool" "$work/load.$tool" \
          pgbench -i -s 100 -q -h "$host" -p "$port" -U oltap oltap_peer_pgbench
      else
        wall_load "$i" "$tool" "$work/load.$tool" \
          build/oltap load workloads/tpcc.yaml --target "$base/oltap_peer_tpcc" --scale 10 --jobs 2
      fi
    done
  done
  local peer_s oltap_s
  peer_s=$(median <"$work/load.peer")
  oltap_s=$(median <"$work/load.oltap")
  echo "median seconds: pgbench -i $peer_s   oltap load $oltap_s"
  verdict "load time ratio oltap/pgbench" "$(ratio "$oltap_s" "$peer_s")" "<=" 1.0
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS oltap_peer_pgbench WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS oltap_peer_tpcc WITH (FORCE)" >/dev/null
}

# ---------------------------------------------------------------- tpch-load

bench_tpch_load() {
  local base="${OLTAP_POSTGRES%/*}" i tool t csv="$work/csv"
  local tables=(lineitem orders partsupp part customer supplier nation region)
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS oltap_peer_tpch WITH (FORCE)" -c "CREATE DATABASE oltap_peer_tpch" \
    -c "DROP DATABASE IF EXISTS oltap_peer_tpchcsv WITH (FORCE)" -c "CREATE DATABASE oltap_peer_tpchcsv" >/dev/null
  echo
  echo "== psql \\copy of the same rows from CSV vs oltap load tpch.yaml --scale $sf --jobs 2 (wall seconds)"
  echo "   (oltap: --no-after-load, the rows only; oltap+keys: the whole load, for information)"
  echo "preparing: one oltap load, its rows written to CSV files, its tables' definitions without keys"
  build/oltap load workloads/tpch.yaml --target "$base/oltap_peer_tpch" --scale "$sf" --jobs 2 >"$work/load.log" 2>&1 \
    || { echo "peer-bench: oltap load failed" >&2; cat "$work/load.log" >&2; exit 1; }
  mkdir -p "$csv"
  for t in "${tables[@]}"; do
    psql "$base/oltap_peer_tpch" -qc "\\copy $t TO '$csv/$t.csv' WITH (FORMAT csv)"
  done
  du -sh "$csv" | awk '{print "CSV files: " $1}'
  pg_dump --schema-only --section=pre-data --no-owner -d "$base/oltap_peer_tpch" >"$work/tables.sql"
  # The peers: plain COPY into tables made just before (not timed), and
  # COPY FREEZE in the transaction that empties each table.
  : >"$work/copy.sql"
  : >"$work/freeze.sql"
  for t in "${tables[@]}"; do
    echo "\\copy $t FROM '$csv/$t.csv' WITH (FORMAT csv)" >>"$work/copy.sql"
    printf 'BEGIN;\nTRUNCATE %s;\n\\copy %s FROM %s WITH (FORMAT csv, FREEZE)\nCOMMIT;\n' "$t" "$t" "'$csv/$t.csv'" \
      >>"$work/freeze.sql"
  done
  fresh_tables() {
    psql "$base/oltap" -qc "DROP DATABASE IF EXISTS oltap_peer_tpchcsv WITH (FORCE)" \
      -c "CREATE DATABASE oltap_peer_tpchcsv" >/dev/null
    psql "$base/oltap_peer_tpchcsv" -q -v ON_ERROR_STOP=1 -f "$work/tables.sql" >/dev/null
  }
  printf '%-5s %-8s %10s\n' pair tool seconds
  rm -f "$work"/tpch.*
  for ((i = 1; i <= pairs; i++)); do
    local order=(copy freeze oltap oltap+keys)
    ((i % 3 == 2)) && order=(oltap+keys oltap copy freeze)
    ((i % 3 == 0)) && order=(freeze oltap+keys copy oltap)
    for tool in "${order[@]}"; do
      [[ $tool == oltap* ]] || fresh_tables
      case $tool in
        copy | freeze)
          wall_load "$i" "$tool" "$work/tpch.$tool" \
            psql "$base/oltap_peer_tpchcsv" -q -v ON_ERROR_STOP=1 -f "$work/$tool.sql" ;;
        oltap)
          wall_load "$i" "$tool" "$work/tpch.$tool" build/oltap load workloads/tpch.yaml \
            --target "$base/oltap_peer_tpch" --scale "$sf" --jobs 2 --no-after-load ;;
        oltap+keys)
          wall_load "$i" "$tool" "$work/tpch.$tool" \
            build/oltap load workloads/tpch.yaml --target "$base/oltap_peer_tpch" --scale "$sf" --jobs 2 ;;
      esac
    done
  done
  local copy_s freeze_s oltap_s keys_s
  copy_s=$(median <"$work/tpch.copy")
  freeze_s=$(median <"$work/tpch.freeze")
  oltap_s=$(median <"$work/tpch.oltap")
  keys_s=$(median <"$work/tpch.oltap+keys")
  echo "median seconds: COPY $copy_s   COPY FREEZE $freeze_s   oltap load (rows) $oltap_s   oltap load" \
    "(rows, keys, indexes, statistics) $keys_s"
  echo "speed ratio oltap/COPY FREEZE (information): $(ratio "$freeze_s" "$oltap_s")"
  echo "speed ratio whole oltap load/COPY of the rows (information): $(ratio "$copy_s" "$keys_s")"
  verdict "speed ratio oltap/COPY (COPY's seconds / oltap's)" "$(ratio "$copy_s" "$oltap_s")" ">=" 0.7
  psql "$base/oltap" -qc "DROP DATABASE IF EXISTS oltap_peer_tpch WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS oltap_peer_tpchcsv WITH (FORCE)" >/dev/null
}

# ---------------------------------------------------------------- sysbench

bench_sysbench() {
  command -v sysbench >/dev/null || { echo "peer-bench: sysbench not found" >&2; exit 2; }
  local table_size=100000
  MY_HOST=127.0.0.1
  MY_PORT=$(sed -E 's#.*:([0-9]+)/.*#\1#' <<<"$OLTAP_MYSQL")
  echo "loading sbtest1 ($table_size rows, sysbench's layout) with oltap into MariaDB"
  build/oltap load workloads/sysbench-point-select.yaml --target "$OLTAP_MYSQL" --scale 1 >/dev/null 2>&1
  SB=(sysbench oltp_point_select --db-driver=mysql --mysql-host="$MY_HOST" --mysql-port="$MY_PORT"
      --mysql-user=oltap --mysql-db=oltap --tables=1 --table-size="$table_size" --rand-type=uniform --threads=8)
  echo "warming the cache: sysbench for ${duration}s (discarded)"
  "${SB[@]}" --time="$duration" run >/dev/null 2>&1
  sb_series oltp_point_select sysbench-point-select.yaml ""
  record "MariaDB (Connector/C)" "sysbench oltp_point_select --threads=8"
  [[ -n $POINT_SELECT_ONLY ]] && return
  # oltp_read_only on the same table: ten point selects and four ranges in
  # one transaction (sysbench-read-only.yaml), fourteen statements a
  # transaction, so the per-statement cost of the driver weighs more.
  sb_series oltp_read_only sysbench-read-only.yaml " (read only)"
}

# sb_series TEST WORKLOAD SUFFIX: sysbench's TEST against oltap's WORKLOAD,
# 8 clients each, with issue 13's targets: oltap's tps at least sysbench's and
# its client CPU per transaction at most sysbench's.
sb_series() {
  SB[1]=$1
  SB_WORKLOAD=$2
  sb_peer() {
    timed "$work/sb-${SB[1]}$1" "${SB[@]}" --time="$duration" run
    TPS=$(sed -nE 's/.*transactions: +[0-9]+ +\(([0-9.]+) per sec.*/\1/p' "$work/sb-${SB[1]}$1")
    TXNS=$(sed -nE 's/.*transactions: +([0-9]+) +\(.*/\1/p' "$work/sb-${SB[1]}$1")
  }
  SB_SHARED=()
  [[ $threads != 0 && ${SB[1]} == oltp_point_select ]] && SB_SHARED=(--threads "$threads")
  sb_oltap() {
    oltap_run "sbo-${SB[1]}$1" "workloads/$SB_WORKLOAD" --target "$OLTAP_MYSQL" --clients 8 --duration "${duration}s" \
      "${SB_SHARED[@]}"
  }
  series "sysbench ${SB[1]} --threads=8 vs oltap $SB_WORKLOAD --clients 8 ${SB_SHARED[*]} (MariaDB)" sb_peer sb_oltap
  verdict "throughput ratio oltap/sysbench$3" "$(ratio "$OLTAP_TPS" "$PEER_TPS")" ">=" 1.0
  verdict "CPU per transaction ratio oltap/sysbench$3" "$(ratio "$OLTAP_CPU" "$PEER_CPU")" "<=" 1.0
}

# ---------------------------------------------------------------- redis

bench_redis() {
  command -v redis-benchmark >/dev/null || { echo "peer-bench: redis-benchmark not found" >&2; exit 2; }
  local hostport="${OLTAP_REDIS#redis://}"
  hostport="${hostport%%/*}"
  RH="${hostport%:*}"
  RP="${hostport##*:}"
  echo "loading kv data: oltap's (key:N) and redis-benchmark's (key:0000000N), 100000 keys of 100 bytes"
  build/oltap load workloads/kv-get.yaml --target "$OLTAP_REDIS" >/dev/null 2>&1
  redis-benchmark -h "$RH" -p "$RP" -t set -r 100000 -d 100 -n 300000 -q >/dev/null
  local pipeline
  for pipeline in 1 16; do
    PIPE=$pipeline
    RB_N=$((pipeline == 1 ? 1000000 : 6000000))
    rb_peer() {
      timed "$work/rb$1" redis-benchmark -h "$RH" -p "$RP" -t get -c 50 -r 100000 -d 100 -n "$RB_N" -P "$PIPE" -q
      TPS=$(tr '\r' '\n' <"$work/rb$1" | sed -nE 's/^GET: ([0-9.]+) requests per second.*/\1/p' | tail -1)
      TXNS=$RB_N
    }
    rb_oltap() {
      oltap_run "rbo$1" workloads/kv-get.yaml --target "$OLTAP_REDIS" --clients 50 --threads 1 \
        --duration "${duration}s" --pipeline "$PIPE"
    }
    series "redis-benchmark -t get -c 50 -P $pipeline vs oltap kv-get.yaml --clients 50 --threads 1 --pipeline $pipeline" \
      rb_peer rb_oltap
    verdict "throughput ratio oltap/redis-benchmark (pipeline $pipeline)" "$(ratio "$OLTAP_TPS" "$PEER_TPS")" ">=" \
      "$([[ $pipeline == 1 ]] && echo 0.9 || echo 0.8)"
    if [[ $pipeline == 1 ]]; then
      record "Redis (hiredis)" "redis-benchmark -t get -c 50"
      [[ -n $POINT_SELECT_ONLY ]] && break
    fi
  done
}

# ---------------------------------------------------------------- overhead

# The client cost of each engine's driver side by side: the point-select
# series of pgbench, sysbench and redis, and a table of their medians.
bench_overhead() {
  POINT_SELECT_ONLY=1
  bench_pgbench
  bench_sysbench
  bench_redis
  echo
  echo "== client CPU per transaction, point select (medians of $pairs interleaved pairs, ${duration}s runs)"
  echo "| engine (oltap's driver) | peer tool | peer us/txn | oltap us/txn | CPU ratio | tps ratio |"
  echo "|---|---|---|---|---|---|"
  awk -F'|' '{printf "| %s | `%s` | %.2f | %.2f | %.3f | %.3f |\n", $1, $2, $3, $4, $4 / $3, $6 / $5}' "$work/overhead"
}

case "$peer" in
  pgbench | sysbench | redis | tpcc-load | tpch-load | rate | overhead | all) ;;
  *) sed -n '2,61s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 2 ;;
esac
bash scripts/setup.sh >/dev/null
bash scripts/stack.sh up >/dev/null
eval "$(bash scripts/stack.sh env)"
export PGOPTIONS='-c client_min_messages=warning'  # no NOTICEs of databases not there to drop
case "$peer" in
  pgbench) bench_pgbench ;;
  sysbench) bench_sysbench ;;
  redis) bench_redis ;;
  tpcc-load) bench_tpcc_load ;;
  tpch-load) bench_tpch_load ;;
  rate) bench_rate ;;
  overhead) bench_overhead ;;
  all) bench_pgbench; bench_sysbench; bench_redis; bench_tpcc_load; bench_tpch_load; bench_rate ;;
esac
exit "$failed"
