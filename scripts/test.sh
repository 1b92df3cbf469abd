#!/usr/bin/env bash
# test.sh - the full test run (what CI runs): install/build via setup.sh, start
# the local database stack, export its targets, then run ctest.
#
#   scripts/test.sh                   all tests; then the unit tests again under
#                                     ASan/UBSan (build-asan/), then each fuzz target
#                                     for $OLTAP_FUZZ_SECONDS s (default 10, scripts/fuzz.sh)
#   scripts/test.sh -L unit           extra arguments go to ctest (and skip the
#                                     sanitizer and fuzz runs)
#   scripts/test.sh --sanitize address,undefined [ctest args]
#   scripts/test.sh --sanitize thread [ctest args]
#                                     only the tests built with those sanitizers, in
#                                     their own build folder (build-asan/, build-tsan/);
#                                     the unit tests unless ctest args say otherwise
#                                     (--sanitize thread -L integration)
#
# Exits with ctest's status (the first that failed), or 1 for a fuzz finding.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

sanitize=""
if [[ "${1:-}" == --sanitize ]]; then
  [[ $# -ge 2 ]] || { echo "[test] --sanitize needs a list: address,undefined or thread" >&2; exit 2; }
  sanitize=$2
  shift 2
elif [[ "${1:-}" == --sanitize=* ]]; then
  sanitize=${1#--sanitize=}
  shift
fi
case "$sanitize" in
  "" | address | undefined | address,undefined | undefined,address | thread) ;;
  *) echo "[test] --sanitize $sanitize: expected address,undefined (or one of them) or thread" >&2; exit 2 ;;
esac

werror=()
[[ -n "${CI:-}" && "${CI}" != false ]] && werror=(-DOLTAP_WERROR=ON)

# sanitized_ctest LIST [ctest args]: builds the tests with the sanitizers of
# LIST into build-asan/ (build-tsan/ for thread) and runs ctest there; the
# unit tests only (and only they are built) unless ctest args are given.
sanitized_ctest() {
  local list=$1 dir=build-asan
  shift
  [[ "$list" == thread ]] && dir=build-tsan
  local args=("$@") targets=(--target oltap_unit_tests)
  if [[ ${#args[@]} -eq 0 ]]; then
    args=(-L unit)
  elif [[ " ${args[*]} " != *" -L unit "* ]]; then
    targets=()  # integration tests need the oltap binary and the harness too: build it all
  fi
  echo "[test] build with -fsanitize=$list ($dir/)"
  local start=$SECONDS
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DOLTAP_SANITIZE="$list" -DOLTAP_BENCH=OFF "${werror[@]}" >/dev/null
  cmake --build "$dir" -j2 "${targets[@]}" >"$dir/build.log" 2>&1 ||
    { tail -40 "$dir/build.log"; echo "[test] the $dir build failed (all of it in $dir/build.log)"; return 1; }
  echo "[test] $dir built in $((SECONDS - start)) s"
  echo "[test] ctest --test-dir $dir --output-on-failure -j2 ${args[*]}"
  local rc=0
  # halt_on_error: a report fails its test rather than scrolling by.
  ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS="suppressions=$REPO_ROOT/tests/lsan.supp" \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$REPO_ROOT/tests/tsan.supp" \
    ctest --test-dir "$dir" --output-on-failure -j2 "${args[@]}" || rc=$?
  echo "[test] $dir ctest exit status: $rc (after $((SECONDS - start)) s)"
  return "$rc"
}

echo "[test] scripts/setup.sh (install missing packages, build)"
if [[ -n "$sanitize" ]]; then
  bash scripts/setup.sh --no-build
else
  bash scripts/setup.sh
fi

echo "[test] scripts/stack.sh up"
bash scripts/stack.sh up

echo "[test] loading the stack's targets into the environment"
eval "$(bash scripts/stack.sh env)"
env | grep '^OLTAP_' | sed 's/^/[test]   /'

if [[ -n "$sanitize" ]]; then
  rc=0
  sanitized_ctest "$sanitize" "$@" || rc=$?
  exit "$rc"
fi

echo "[test] ctest --test-dir build --output-on-failure -j2 $*"
rc=0
ctest --test-dir build --output-on-failure -j2 "$@" || rc=$?
echo "[test] ctest exit status: $rc"

# The unit tests again, built with AddressSanitizer and UndefinedBehavior-
# Sanitizer (build-asan/): memory errors and undefined behaviour fail them.
# Then every fuzz target for a few seconds on its corpus (build-fuzz/): the
# seeds and the regressions of what fuzzing found before must pass.
# Only with the whole run (no ctest arguments), or OLTAP_SANITIZE=1 / OLTAP_FUZZ=1.
if [[ $# -eq 0 || "${OLTAP_SANITIZE:-}" == 1 ]]; then
  asan_rc=0
  sanitized_ctest address,undefined || asan_rc=$?
  [[ $rc -eq 0 ]] && rc=$asan_rc
fi
if [[ $# -eq 0 || "${OLTAP_FUZZ:-}" == 1 ]]; then
  fuzz_start=$SECONDS
  fuzz_rc=0
  bash scripts/fuzz.sh "${OLTAP_FUZZ_SECONDS:-10}" || fuzz_rc=$?
  echo "[test] fuzz exit status: $fuzz_rc (after $((SECONDS - fuzz_start)) s)"
  [[ $rc -eq 0 ]] && rc=$fuzz_rc
fi
exit "$rc"
