#!/usr/bin/env bash
# run-locally.sh - the steps of oltap-gate.yml, on this machine's stack
# (scripts/stack.sh), to see what the workflow does before it is pushed.
#
#   examples/ci/run-locally.sh [--out DIR]     (default: a new folder under /tmp)
#
# The workflow's postgres service becomes a database of the stack's
# PostgreSQL (oltap_ci) owned by the role oltap_pw, which the stack admits
# over TCP with a password only (SCRAM); the password is made here and given
# to oltap as the workflow gives its secret: through PGPASSWORD, which the
# suite file reads as ${PGPASSWORD}. Then, as in the workflow:
#   1. a push to main: the suite runs and its folder is kept as the baseline;
#   2. a pull request: the suite runs again and is gated against it, with
#      --junit, --json and --markdown - (GITHUB_STEP_SUMMARY is a file here,
#      as Actions sets it).
# Last it checks what the workflow's readers depend on: the JUnit file is
# well-formed (xmllint), the step summary was written, and the password is
# in no file of the folder. Exits with the gate's status (0 pass, 1 fail),
# 2 when a check failed, or a step's own status when it failed (a suite's
# 3 or 4: see the README's exit codes).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OLTAP="$REPO_ROOT/build/oltap"
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run-locally: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ -x "$OLTAP" ] || { echo "run-locally: build oltap first (scripts/setup.sh)" >&2; exit 2; }
if [ -z "${OLTAP_POSTGRES:-}" ]; then eval "$(bash "$REPO_ROOT/scripts/stack.sh" env)"; fi
OUT="${OUT:-$(mktemp -d /tmp/oltap-ci-local.XXXXXX)}"
mkdir -p "$OUT"
step() { printf '\n[run-locally] %s\n' "$*" >&2; }

# The service: a role with a fresh password and an empty database.
hostport="${OLTAP_POSTGRES#*@}"
hostport="${hostport%%/*}"
export PGHOST="${hostport%:*}" PGPORT="${hostport##*:}" PGUSER=oltap_pw PGDATABASE=oltap_ci
PGPASSWORD="ci-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export PGPASSWORD
step "service: database $PGDATABASE on $PGHOST:$PGPORT, role $PGUSER (password from PGPASSWORD)"
PGPASSWORD='' psql "$OLTAP_POSTGRES" -XAtq -v ON_ERROR_STOP=1 \
  -c "SET password_encryption = 'scram-sha-256'" \
  -c "DO \$\$ BEGIN CREATE ROLE oltap_pw LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" \
  -c "ALTER ROLE oltap_pw LOGIN PASSWORD '$PGPASSWORD'" \
  -c "DROP DATABASE IF EXISTS oltap_ci WITH (FORCE)" -c "CREATE DATABASE oltap_ci OWNER oltap_pw"

cd "$REPO_ROOT"
step "push to main: build/oltap suite examples/ci/suite.yaml --out $OUT/baseline --progress 10"
build/oltap suite examples/ci/suite.yaml --out "$OUT/baseline" --progress 10

step "pull request: build/oltap suite examples/ci/suite.yaml --out $OUT/current --progress 10"
build/oltap suite examples/ci/suite.yaml --out "$OUT/current" --progress 10

step "pull request: build/oltap gate $OUT/current --baseline $OUT/baseline --max-regression 5% --max-error-rate 0.1% --junit $OUT/gate.xml --markdown - --json $OUT/gate.json"
export GITHUB_STEP_SUMMARY="$OUT/step-summary.md"
: >"$GITHUB_STEP_SUMMARY"
gate_rc=0
build/oltap gate "$OUT/current" --baseline "$OUT/baseline" --max-regression 5% --max-error-rate 0.1% \
  --junit "$OUT/gate.xml" --markdown - --json "$OUT/gate.json" || gate_rc=$?

step "checks"
bad=0
if xmllint --noout "$OUT/gate.xml"; then
  echo "gate.xml: well-formed, $(grep -c '<testcase' "$OUT/gate.xml") testcase(s)"
else
  echo "gate.xml: not well-formed" >&2; bad=1
fi
if [ -s "$GITHUB_STEP_SUMMARY" ]; then
  echo "step summary: $(wc -c <"$GITHUB_STEP_SUMMARY") bytes"
else
  echo "step summary: empty" >&2; bad=1
fi
if grep -rlF -- "$PGPASSWORD" "$OUT" >/dev/null; then
  echo "the password is in: $(grep -rlF -- "$PGPASSWORD" "$OUT" | tr '\n' ' ')" >&2; bad=1
else
  echo "the password is in none of the $(find "$OUT" -type f | wc -l) files of $OUT"
fi
echo "gate exit status: $gate_rc; results in $OUT"
[ "$bad" = 0 ] || exit 2
[ "$gate_rc" -le 1 ] || exit 2
exit "$gate_rc"
