#!/usr/bin/env bash
# test.sh - the full test run (what CI runs): install/build via setup.sh, start
# the local database stack, export its targets, then run ctest.
#
#   scripts/test.sh               all tests
#   scripts/test.sh -L unit       extra arguments go to ctest
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
exit "$rc"
