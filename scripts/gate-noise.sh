#!/usr/bin/env bash
# gate-noise.sh - measure `oltap gate`'s false alarms on identical code, and
# how often it catches a real slowdown of about 10%. A measurement, not a test.
#
#   scripts/gate-noise.sh [--runs 10] [--duration 5s] [--warmup 1s] [--clients 4]
#                         [--splits 40] [--slowdown 0.10] [--burn N [--burn-every K]] [--async-commit]
#                         [--out DIR] [--seed 1]
#   scripts/gate-noise.sh --gate-only --out DIR [--runs 10] [--splits 40]   (gate the runs of DIR again)
#
# On the stack's PostgreSQL ($OLTAP_POSTGRES, else scripts/stack.sh env) it
# makes its own database (oltap_gate_noise), loads pgbench-tpcb once, then
# runs --runs pairs of short runs, each pair one run as loaded ("normal") and
# one with the slowdown ("slow"), interleaved (normal, slow, normal, slow ...)
# so that drift over time falls on both sets alike.
#
# The slowdown is real work on the server, not a changed workload file (a
# changed file would fail the gate as workload_changed before any figure is
# looked at): an AFTER INSERT trigger on pgbench_history, which every
# transaction inserts into, that counts through generate_series(1, N) in
# PL/pgSQL. N is calibrated from the first pairs to cost about --slowdown of
# a transaction (--burn N skips the calibration and uses N: the calibration's
# pairs are as noisy as the rest; the trigger's call costs a share of a
# transaction whatever N is, so --burn-every K fires it for one history row
# in K only, by aid: a smaller slowdown than every row's); the slowdown actually measured (the median tps of all slow
# runs against all normal ones) is reported beside the detection rate.
#
# Then it gates:
#   - false alarms: --splits random splits of the normal runs into two halves
#     (baseline half, current half), each gated with the defaults;
#   - detection: --splits random draws of half the normal runs as baseline
#     and half the slow runs as current;
#   - the same splits with other --alpha and --max-regression values, and
#     the one-run-against-one-run gate of before repetitions, for comparison.
# --async-commit sets synchronous_commit = off on the database: without the
# wait for the WAL's fsync, the disk's time (on a shared virtual disk, the
# largest part of the noise) is out of the runs.
# (tps-only.yaml: a rules file that leaves p99 ungated.) It prints one line
# per setting and writes DIR/report.txt.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OLTAP="$REPO_ROOT/build/oltap"
RUNS=10 DURATION=5s WARMUP=1s CLIENTS=4 SPLITS=40 SLOWDOWN=0.10 BURN="" EVERY=1 ASYNC=0 SEED=1 OUT="" GATE_ONLY=0

usage() { sed -n '2,38s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --splits) SPLITS="$2"; shift 2 ;;
    --slowdown) SLOWDOWN="$2"; shift 2 ;;
    --burn) BURN="$2"; shift 2 ;;
    --burn-every) EVERY="$2"; shift 2 ;;
    --async-commit) ASYNC=1; shift ;;
    --seed) SEED="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --gate-only) GATE_ONLY=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gate-noise: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ -x "$OLTAP" ] || { echo "gate-noise: build oltap first ($OLTAP)" >&2; exit 2; }
[ $((RUNS % 2)) -eq 0 ] && [ "$RUNS" -ge 4 ] || { echo "gate-noise: --runs must be even and at least 4" >&2; exit 2; }
if [ -z "${OLTAP_POSTGRES:-}" ]; then eval "$(bash "$REPO_ROOT/scripts/stack.sh" env)"; fi
OUT="${OUT:-$(mktemp -d /tmp/oltap-gate-noise.XXXXXX)}"
mkdir -p "$OUT"
HALF=$((RUNS / 2))
DB=oltap_gate_noise
ADMIN="$OLTAP_POSTGRES"
URI="${ADMIN%/*}/$DB"

export PGOPTIONS="${PGOPTIONS:-} --client-min-messages=warning"
log() { printf '[gate-noise] %s\n' "$*" >&2; }
sql() { psql "$URI" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

slow_on() {
  sql "DROP TRIGGER IF EXISTS oltap_noise_slow ON pgbench_history;
       CREATE TRIGGER oltap_noise_slow AFTER INSERT ON pgbench_history FOR EACH ROW
       $([ "$EVERY" = 1 ] || echo "WHEN (NEW.aid % $EVERY = 0)") EXECUTE FUNCTION oltap_noise_burn('$1')"
}
slow_off() { sql "DROP TRIGGER IF EXISTS oltap_noise_slow ON pgbench_history"; }

run() {  # run DIR
  "$OLTAP" run "$REPO_ROOT/workloads/pgbench-tpcb.yaml" --target "$URI" --clients "$CLIENTS" \
    --duration "$DURATION" --warmup "$WARMUP" --out "$1" --force >/dev/null 2>"$1.stderr" || {
    log "run $1 exited $? (see $1.stderr)"
  }
}
all_tps() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "tps") c = i; next } $6 == "ALL" { print $c }' "$1/summary.csv"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if [ "$GATE_ONLY" = 0 ]; then
  log "database $DB on ${URI%%@*}@...; results in $OUT"
  psql "$ADMIN" -XAtq -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  [ "$ASYNC" = 0 ] || psql "$ADMIN" -XAtq -v ON_ERROR_STOP=1 -c "ALTER DATABASE $DB SET synchronous_commit = off"
  "$OLTAP" load "$REPO_ROOT/workloads/pgbench-tpcb.yaml" --target "$URI" --jobs 2 >/dev/null
  sql "CREATE FUNCTION oltap_noise_burn() RETURNS trigger LANGUAGE plpgsql AS \$\$
       BEGIN PERFORM count(*) FROM generate_series(1, TG_ARGV[0]::int); RETURN NEW; END \$\$"

  if [ -n "$BURN" ]; then
    N=$BURN
  else
    # Calibration: a first N from the trigger's cost per generate_series
    # element (psql's own timing, the median of 5) sized to --slowdown of a
    # normal run's median latency; then N scaled by the tps actually lost over
    # three interleaved pairs of runs (the median of the pairs' losses): with
    # the clients sharing the cores the server works on, the tps lost is the
    # trigger's share of a transaction's CPU time, not of its latency (seen:
    # 10% of the latency cost 43% of the tps).
    per_elem_ms=$(for k in 1 2 3 4 5; do
      psql "$URI" -XAtq -c '\timing on' -c 'SELECT count(*) FROM generate_series(1, 2000000)' |
        awk '/^Time:/ { print $2 / 2000000 }'
    done | median)
    mkdir -p "$OUT/calibrate"
    run "$OUT/calibrate/normal"
    p50_ms=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "lat_p50_ms") c = i; next } $6 == "ALL" { print $c }' \
      "$OUT/calibrate/normal/summary.csv")
    N=$(awk -v l="$p50_ms" -v s="$SLOWDOWN" -v e="$per_elem_ms" 'BEGIN { n = s * l / e; printf "%d", n < 1 ? 1 : n }')
    loss=$(for k in 1 2 3; do
      slow_on "$N"; run "$OUT/calibrate/slow$k"; slow_off
      run "$OUT/calibrate/normal$k"
      awk -v b="$(all_tps "$OUT/calibrate/normal$k")" -v s="$(all_tps "$OUT/calibrate/slow$k")" 'BEGIN { print 1 - s / b }'
    done | median)
    log "calibration: N=$N lost $(awk -v g="$loss" 'BEGIN { printf "%.1f", g * 100 }')% of the tps (median of 3 pairs)"
    N=$(awk -v n="$N" -v g="$loss" -v s="$SLOWDOWN" 'BEGIN { if (g < 0.02) g = 0.02; r = s / g; if (r > 4) r = 4;
      if (r < 0.05) r = 0.05; n = n * r; printf "%d", n < 1 ? 1 : n }')
  fi
  echo "$N" >"$OUT/slowdown_n"
  log "slowdown: trigger counting to N=$N per transaction"

  for i in $(seq 1 "$RUNS"); do
    slow_off; run "$OUT/normal-$i"
    slow_on "$N"; run "$OUT/slow-$i"
    slow_off
    log "pair $i of $RUNS: normal $(all_tps "$OUT/normal-$i") tps, slow $(all_tps "$OUT/slow-$i") tps"
  done
fi
N=$(cat "$OUT/slowdown_n")
normal_median=$(for i in $(seq 1 "$RUNS"); do all_tps "$OUT/normal-$i"; done | median)
slow_median=$(for i in $(seq 1 "$RUNS"); do all_tps "$OUT/slow-$i"; done | median)
measured=$(awk -v b="$normal_median" -v s="$slow_median" 'BEGIN { printf "%.1f", (1 - s / b) * 100 }')
spread=$(for i in $(seq 1 "$RUNS"); do all_tps "$OUT/normal-$i"; done | sort -g |
  awk '{ v[NR] = $1 } END { printf "%.1f", (v[NR] - v[1]) / v[1] * 100 }')

# A random half of 1..RUNS, then the other half, one split per line (seeded
# through awk: shuf --random-source reads too few bytes of a short seed).
splits() {  # splits SEED
  local s
  for s in $(seq 1 "$SPLITS"); do
    seq 1 "$RUNS" | awk -v seed="$1" -v s="$s" 'BEGIN { srand(seed * 100003 + s) } { print rand() "\t" $0 }' |
      sort -g | cut -f2 | tr '\n' ' '
    echo
  done
}
# gate_rate KIND ARGS...: the share of splits that fail; KIND noise or slow.
gate_rate() {
  local kind=$1 fails=0 total=0 line i args codes
  shift
  while read -r line; do
    read -ra ids <<<"$line"
    args=()
    for i in "${ids[@]:0:$HALF}"; do args+=(--baseline "$OUT/normal-$i"); done
    for i in "${ids[@]:$HALF}"; do
      if [ "$kind" = noise ]; then args+=("$OUT/normal-$i"); else args+=("$OUT/slow-$i"); fi
    done
    total=$((total + 1))
    if ! "$OLTAP" gate "${args[@]}" "$@" --json "$OUT/last.json" >"$OUT/last.txt" 2>&1; then
      fails=$((fails + 1))
      codes=$(grep -o '"code": "[a-z_]*"' "$OUT/last.json" | sort -u | sed 's/"code": //; s/"//g' | tr '\n' ' ')
      [ "$kind" = noise ] && log "false alarm ($*): ${codes}: $line"
    fi
  done < <(splits "$((SEED * 2 + ${#kind}))")
  echo "$fails/$total"
}
# The gate before repetitions: run i against run i+1, one run a side.
pair_rate() {
  local kind=$1 fails=0 total=0 i cur
  shift
  for i in $(seq 1 $((RUNS - 1))); do
    if [ "$kind" = noise ]; then cur="$OUT/normal-$((i + 1))"; else cur="$OUT/slow-$((i + 1))"; fi
    total=$((total + 1))
    "$OLTAP" gate "$cur" --baseline "$OUT/normal-$i" "$@" >/dev/null 2>&1 || fails=$((fails + 1))
  done
  echo "$fails/$total"
}

{
  echo "pgbench-tpcb, $CLIENTS clients, $DURATION runs after $WARMUP warm-up, $RUNS normal and $RUNS slow, interleaved$([ "$ASYNC" = 0 ] || echo ", synchronous_commit off")"
  echo "normal runs: median $normal_median tps, spread (max - min) / min $spread%"
  echo "slow runs (trigger counting to $N$([ "$EVERY" = 1 ] || echo ", one row in $EVERY")): median $slow_median tps, $measured% fewer than normal"
  echo "splits: $HALF against $HALF, $SPLITS random splits each (seed $SEED)"
  printf '%-44s %-14s %-14s\n' "gate settings" "false alarms" "slowdown caught"
  printf 'rules:\n  - metric: p99\n    gate: false\n' >"$OUT/tps-only.yaml"
  for setting in "--alpha 0.05 --max-regression 5%" "--alpha 0.05 --max-regression 3%" \
                 "--alpha 0.01 --max-regression 5%" "--alpha 0.05 --max-regression 10%" \
                 "--alpha 0.05 --max-regression 5% --rules $OUT/tps-only.yaml"; do
    # shellcheck disable=SC2086
    printf '%-44s %-14s %-14s\n' "${setting/$OUT\//}" "$(gate_rate noise $setting)" "$(gate_rate slow $setting)"
  done
  printf '%-44s %-14s %-14s\n' "one run a side, --max-regression 5%" "$(pair_rate noise --max-regression 5%)" \
    "$(pair_rate slow --max-regression 5%)"
  printf '%-44s %-14s %-14s\n' "one run a side, --max-regression 10%" "$(pair_rate noise --max-regression 10%)" \
    "$(pair_rate slow --max-regression 10%)"
} | tee "$OUT/report.txt"
[ "$GATE_ONLY" = 1 ] || psql "$ADMIN" -XAtq -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
