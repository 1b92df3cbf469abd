#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer targets (fuzz/, clang, ASan+UBSan) into
# build-fuzz/ and run each for a while on its seed corpus.
#
#   scripts/fuzz.sh              each target for 20 s
#   scripts/fuzz.sh 300          each target for 300 s
#   scripts/fuzz.sh 60 expr redact   only these targets
#
# New inputs that reach new code go to build-fuzz/corpus/<target>/, not to the
# repository's fuzz/corpus/<target>/ (the seeds). A finding (crash, sanitizer
# report, an input slower than $FUZZ_TIMEOUT s, more than $FUZZ_RSS_MB MB, or a
# broken invariant) leaves its input in build-fuzz/findings/ and the log in
# build-fuzz/logs/; fuzz.sh prints both and exits 1. Reproduce one with
#   build-fuzz/fuzz/<target>_fuzz <input>
# and, once fixed, keep the input as fuzz/corpus/<target>/regression-<what>.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

log() { printf '[fuzz] %s\n' "$*"; }
die() { printf '[fuzz] error: %s\n' "$*" >&2; exit 2; }

SECONDS_EACH=20
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
  SECONDS_EACH=$1
  shift
fi
[[ "${1:-}" == -h || "${1:-}" == --help ]] && { sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0; }
TIMEOUT_S=${FUZZ_TIMEOUT:-10}
RSS_MB=${FUZZ_RSS_MB:-2048}
BUILD=build-fuzz

ALL=(workload expr suite target redact summary_csv timeseries_csv meta_json latency_hlog suite_csv gate_yaml)
TARGETS=("${@:-${ALL[@]}}")
for t in "${TARGETS[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || die "unknown target '$t' (known: ${ALL[*]})"
done

command -v clang++ >/dev/null || die "clang++ not found (scripts/setup.sh installs clang and libclang-rt-dev)"
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DOLTAP_FUZZ=ON
            -DOLTAP_TESTS=OFF -DOLTAP_BENCH=OFF)
command -v ccache >/dev/null && cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
[[ -n "${CI:-}" && "${CI}" != false ]] && cmake_args+=(-DOLTAP_WERROR=ON)
log "building the fuzz targets into $BUILD/"
build_start=$(date +%s)
cmake -S . -B "$BUILD" "${cmake_args[@]}" >/dev/null
cmake --build "$BUILD" -j"${FUZZ_BUILD_JOBS:-2}" --target "${TARGETS[@]/%/_fuzz}" >"$BUILD/build.log" 2>&1 ||
  { tail -40 "$BUILD/build.log" >&2; die "the build failed (all of it in $BUILD/build.log)"; }
log "built in $(($(date +%s) - build_start)) s"

mkdir -p "$BUILD/findings" "$BUILD/logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=()
for t in "${TARGETS[@]}"; do
  work="$BUILD/corpus/$t"
  mkdir -p "$work"
  args=(-max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT_S" -rss_limit_mb="$RSS_MB" -print_final_stats=1
        -artifact_prefix="$BUILD/findings/$t-")
  [[ -f "fuzz/dict/$t.dict" ]] && args+=(-dict="fuzz/dict/$t.dict")
  # Whole workload files (TPC-H's is 37 KB) parse at some 60 a second under
  # ASan: new inputs stay under 8 KB, so the time goes to many small ones.
  [[ $t == workload ]] && args+=(-max_len=8192)
  log "$t: ${SECONDS_EACH} s (log: $BUILD/logs/$t.log)"
  rc=0
  "$BUILD/fuzz/${t}_fuzz" "${args[@]}" "$work" "fuzz/corpus/$t" >"$BUILD/logs/$t.log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/logs/$t.log" | tail -1)
  if [[ $rc -ne 0 ]]; then
    failed+=("$t")
    input=$(sed -n "s/.*Test unit written to \(.*\)$/\1/p" "$BUILD/logs/$t.log" | tail -1)
    log "$t: FINDING (exit $rc): input ${input:-(none written)}; report:"
    grep -E '==[0-9]+== ?ERROR|runtime error:|SUMMARY:|invariant broken|password in |ALARM|out-of-memory' \
      "$BUILD/logs/$t.log" | head -8 | sed 's/^/[fuzz]   /' >&2
  else
    log "$t: ok, ${runs:-?} inputs run, corpus $(ls "$work" | wc -l) + $(ls "fuzz/corpus/$t" | wc -l) seeds"
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  log "findings in: ${failed[*]} (inputs in $BUILD/findings/, logs in $BUILD/logs/)"
  exit 1
fi
log "no findings (${#TARGETS[@]} targets, ${SECONDS_EACH} s each)"
