#!/usr/bin/env bash
# setup.sh - install the Debian packages oltap needs (build tools, client
# libraries, and the database servers the local stack runs), then configure and
# build a Release build into build/.
#
#   scripts/setup.sh             install what is missing, then build
#   scripts/setup.sh --no-build  only install
#
# Idempotent: packages are checked with dpkg-query first, so a second run
# installs nothing, runs no `apt-get update`, and only re-runs the (incremental)
# build. The browser tests' npm packages (tests/browser) are installed with
# `npm ci` from their package-lock.json when they are missing or older. Database server packages must never leave services running that we
# rely on: scripts/stack.sh runs its own instances on non-default ports.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

DO_BUILD=1
for arg in "$@"; do
  case "$arg" in
    --no-build) DO_BUILD=0 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$arg' (try --help)" ;;
  esac
done

PACKAGES=(
  # build toolchain
  build-essential cmake pkg-config git
  # libraries oltap links against
  libpqxx-dev libpq-dev libyaml-cpp-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  unixodbc-dev libhiredis-dev zlib1g-dev libmariadb-dev
  # ODBC drivers
  odbc-postgresql odbc-mariadb
  # servers and clients for the local stack (scripts/stack.sh)
  postgresql postgresql-client postgresql-contrib
  mariadb-server mariadb-client
  redis-server redis-tools
  # reference load generator
  sysbench
  # GNU time, for peak memory (bench/memory.sh)
  time
  # HdrHistogram's own log reader, the independent check of latency.hlog
  libhdrhistogram-java default-jre-headless
  # xmllint: the integration tests check the gate's JUnit XML with a real parser
  libxml2-utils
  # the HTML report's charting library, put inline into each report
  libjs-chart.js
  # the HTML report's tests: headless Chromium, driven by node (tests/browser)
  chromium-headless-shell nodejs
  # compiler cache for rebuilds on shared machines
  ccache
  # the fuzz targets (scripts/fuzz.sh): clang, and libFuzzer with the sanitizers' runtimes
  clang libclang-rt-dev
)
# Node from another source (NodeSource's nodejs) carries its own npm, which
# Debian's npm package would conflict with.
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

# Packages that ship a system service; if we install them, we make sure the
# service is not left running/enabled (we never depend on it).
declare -A SERVICE_OF=(
  [postgresql]=postgresql
  [mariadb-server]=mariadb
  [redis-server]=redis-server
)

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "not root and sudo is not available"
  SUDO=(sudo)
fi

install_packages() {
  command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

  local missing=() p
  for p in "${PACKAGES[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "all ${#PACKAGES[@]} packages already installed"
    return 0
  fi
  log "missing packages: ${missing[*]}"

  # Keep apt/dpkg from starting services while installing, through the
  # standard policy-rc.d hook (exit 101 = "action forbidden"). If a policy is
  # already in place (e.g. in Docker), leave it alone.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# temporary, created by oltap scripts/setup.sh\nexit 101\n' \
      | "${SUDO[@]}" tee "$policy" >/dev/null
    "${SUDO[@]}" chmod 755 "$policy"
    created_policy=1
    # shellcheck disable=SC2064  # expand now: remove exactly what we created
    trap "${SUDO[*]} rm -f '$policy'" EXIT
  fi

  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}"

  if [[ $created_policy -eq 1 ]]; then
    "${SUDO[@]}" rm -f "$policy"
    trap - EXIT
  fi

  # Services of server packages we just installed: stop and disable them so
  # nothing we did leaves a database listening on a default port. Services
  # that were already installed before this run are the user's business.
  local svc
  for p in "${missing[@]}"; do
    svc="${SERVICE_OF[$p]:-}"
    [[ -n "$svc" ]] || continue
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
      log "disabling system service '$svc' (oltap runs its own instances via scripts/stack.sh)"
      "${SUDO[@]}" systemctl disable --now "$svc" >/dev/null 2>&1 || true
    elif command -v service >/dev/null 2>&1; then
      "${SUDO[@]}" service "$svc" stop >/dev/null 2>&1 || true
    fi
  done

  for p in "${PACKAGES[@]}"; do
    is_installed "$p" || die "package '$p' is still not installed"
  done
  log "installed: ${missing[*]}"
}

build() {
  local cmake_args=(-S "$REPO_ROOT" -B "$REPO_ROOT/build" -DCMAKE_BUILD_TYPE=Release)
  if [[ "${CI:-}" == true ]]; then
    cmake_args+=(-DOLTAP_WERROR=ON)
  fi
  log "cmake ${cmake_args[*]}"
  cmake "${cmake_args[@]}"
  log "cmake --build build -j$(nproc)"
  cmake --build "$REPO_ROOT/build" -j"$(nproc)"
  log "build done: $REPO_ROOT/build"
}

# puppeteer-core for tests/browser/check_report.js, at the version its lock file pins.
install_browser_packages() {
  local dir="$REPO_ROOT/tests/browser"
  if [[ -d "$dir/node_modules/puppeteer-core" && ! "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    log "tests/browser: npm packages already installed"
    return 0
  fi
  log "tests/browser: npm ci"
  # The browser is Debian's: puppeteer must not download one of its own.
  (cd "$dir" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
}

install_packages
install_browser_packages
if [[ $DO_BUILD -eq 1 ]]; then
  build
else
  log "--no-build: skipping the build"
fi
