#!/usr/bin/env bash
# test.sh - the full test run (what CI runs): install/build via setup.sh, start
# the local database stack, export its targets, then run ctest.
#
#   scripts/test.sh               all tests, then the unit tests again under ASan/UBSan
#   scripts/test.sh -L unit       extra arguments go to ctest (and skip the sanitizer run)
#
# Exits with ctest's status.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

echo "[test] scripts/setup.sh (install missing packages, build)"
bash scripts/setup.sh

echo "[test] scripts/stack.sh up"
bash scripts/stack.sh up

echo "[test] loading the stack's targets into the environment"
eval "$(bash scripts/stack.sh env)"
env | grep '^OLTAP_' | sed 's/^/[test]   /'

echo "[test] ctest --test-dir build --output-on-failure -j2 $*"
rc=0
ctest --test-dir build --output-on-failure -j2 "$@" || rc=$?
echo "[test] ctest exit status: $rc"

# The unit tests again, built with AddressSanitizer and UndefinedBehavior-
# Sanitizer (build-asan/): memory errors and undefined behaviour fail them.
# Only with the whole run (no ctest arguments), or OLTAP_SANITIZE=1.
if [[ $# -eq 0 || "${OLTAP_SANITIZE:-}" == 1 ]]; then
  werror=()
  [[ -n "${CI:-}" && "${CI}" != false ]] && werror=(-DOLTAP_WERROR=ON)
  echo "[test] sanitizer build of the unit tests (build-asan/)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DOLTAP_SANITIZE=ON -DOLTAP_BENCH=OFF "${werror[@]}" >/dev/null
  cmake --build build-asan -j2 --target oltap_unit_tests >/dev/null
  echo "[test] ctest --test-dir build-asan -L unit --output-on-failure -j2"
  asan_rc=0
  ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    LSAN_OPTIONS="suppressions=$REPO_ROOT/tests/lsan.supp" \
    ctest --test-dir build-asan -L unit --output-on-failure -j2 || asan_rc=$?
  echo "[test] sanitizer ctest exit status: $asan_rc"
  [[ $rc -eq 0 ]] && rc=$asan_rc
fi
exit "$rc"
