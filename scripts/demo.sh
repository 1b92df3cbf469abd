#!/usr/bin/env bash
# demo.sh - a short end-to-end demo: build oltap, start the local PostgreSQL,
# load the pgbench TPC-B-like workload at scale 1 and run it for 10 seconds
# with 4 clients. Results go to results/ (see results/README.md).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

step() { printf '\n[demo] %s\n' "$*"; }

step "installing what is missing and building (scripts/setup.sh)"
bash scripts/setup.sh

step "starting the local database stack (scripts/stack.sh up)"
bash scripts/stack.sh up

step "loading the stack's targets into the environment (scripts/stack.sh env)"
eval "$(bash scripts/stack.sh env)"
echo "OLTAP_POSTGRES=$OLTAP_POSTGRES"

WORKLOAD=workloads/pgbench-tpcb.yaml

step "loading data: build/oltap load $WORKLOAD --target $OLTAP_POSTGRES --scale 1"
build/oltap load "$WORKLOAD" --target "$OLTAP_POSTGRES" --scale 1

step "running: build/oltap run $WORKLOAD --target $OLTAP_POSTGRES --duration 10s --warmup 2s --clients 4"
build/oltap run "$WORKLOAD" --target "$OLTAP_POSTGRES" --duration 10s --warmup 2s --clients 4

step "done; results are under results/"
