#!/usr/bin/env bash
# image_packages.sh - checks deploy/kubernetes/Dockerfile's packages without
# building the image (ctest's deploy_image_packages; a few seconds):
#
#   1. every package an `apt-get install` of the Dockerfile names is a real
#      package of Debian 12 (bookworm, bookworm-updates or bookworm-security
#      main in this machine's apt lists), not a virtual or a mistyped one;
#   2. the runtime stage brings every library the built oltap loads: the
#      package owning each library ldd resolves (dpkg -S) is among the
#      runtime stage's packages or what they depend on;
#   3. every library package the runtime stage names owns a library oltap
#      links directly (readelf NEEDED): none is stale after a library's
#      version moves (libfmt9 when oltap links libfmt.so.10); the packages
#      oltap uses without linking them are listed below, each with its reason;
#   4. the ODBC drivers the targets name ("PostgreSQL Unicode", "MariaDB
#      Unicode") come from packages the runtime stage installs.
#
#   tests/deploy/image_packages.sh OLTAP_BINARY [DOCKERFILE]
#
# Exits 0 when all hold, 1 with what is wrong, 77 (ctest's skip) on a machine
# that is not Debian 12, whose apt lists cannot say what Debian 12 has.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN=${1:?usage: image_packages.sh OLTAP_BINARY [DOCKERFILE]}
DOCKERFILE=${2:-$REPO_ROOT/deploy/kubernetes/Dockerfile}

log() { printf '[image-packages] %s\n' "$*"; }
failures=0
fail() { printf '[image-packages] FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

# The runtime stage's packages that oltap uses without linking them.
declare -A NOT_LINKED=(
  [odbc-postgresql]="unixODBC loads its driver (odbc:Driver={PostgreSQL Unicode})"
  [odbc-mariadb]="unixODBC loads its driver (odbc:Driver={MariaDB Unicode})"
  [libjs-chart.js]="oltap report --html reads chart.min.js"
  [ca-certificates]="TLS to a server whose certificate a public CA signed"
)
ODBC_DRIVERS=("PostgreSQL Unicode" "MariaDB Unicode")

# shellcheck disable=SC1091
. /etc/os-release
if [[ "${ID:-}" != debian || "${VERSION_CODENAME:-}" != bookworm ]]; then
  log "skipped: this machine is ${PRETTY_NAME:-not Debian}, not Debian 12; its apt lists cannot check the image's packages"
  exit 77
fi
[[ -x "$BIN" ]] || { fail "$BIN is not an executable (build the oltap target first)"; exit 1; }
[[ -f "$DOCKERFILE" ]] || { fail "$DOCKERFILE does not exist"; exit 1; }
apt-cache show --no-all-versions libc6 >/dev/null 2>&1 ||
  { fail "apt's package lists are empty here: run apt-get update"; exit 1; }

# dockerfile_installs: "STAGE PACKAGE" for every package an apt-get install
# names, STAGE counting the FROM lines from 1 (continuation lines joined).
dockerfile_installs() {
  awk '
    { sub(/\r$/, "") }
    /^[[:space:]]*#/ { next }
    { line = (cont ? line " " : "") $0; cont = sub(/\\$/, "", line) }
    cont { next }
    toupper(line) ~ /^[[:space:]]*FROM[[:space:]]/ { stage++ }
    toupper(line) ~ /^[[:space:]]*RUN[[:space:]]/ {
      n = split(line, w, /[[:space:]]+/)
      for (i = 1; i <= n; i++) {
        if (w[i] == "apt-get" && w[i + 1] == "install") {
          for (j = i + 2; j <= n && w[j] !~ /^(&&|;|\|\||\|)$/; j++)
            if (w[j] != "" && w[j] !~ /^-/) print stage, w[j]
        }
      }
    }
    { line = "" }
  ' "$DOCKERFILE"
}

mapfile -t installs < <(dockerfile_installs)
stages=$(printf '%s\n' "${installs[@]}" | awk '{print $1}' | sort -n | uniq | tr '\n' ' ')
last=$(grep -ciE '^[[:space:]]*FROM[[:space:]]' "$DOCKERFILE")
all=() runtime=()
for entry in "${installs[@]}"; do
  all+=("${entry#* }")
  [[ "${entry%% *}" == "$last" ]] && runtime+=("${entry#* }")
done
[[ ${#all[@]} -gt 0 ]] || { fail "no apt-get install found in $DOCKERFILE"; exit 1; }
[[ ${#runtime[@]} -gt 0 ]] || { fail "the runtime stage (FROM number $last) installs no package"; exit 1; }
log "$DOCKERFILE: ${#all[@]} packages installed in stages $stages(runtime: stage $last, ${#runtime[@]} packages)"

# 1. Real packages of Debian 12: apt-cache madison lists a virtual or an
# unknown name with no line, and another repository's package (nodesource,
# say) without a bookworm main line.
declare -A in_debian12=()
while IFS='|' read -r name _ source; do
  name=${name//[[:space:]]/}
  [[ "$source" =~ [[:space:]]bookworm(-updates|-security)?/main[[:space:]] ]] && in_debian12[$name]=1
done < <(apt-cache madison "${all[@]}" 2>/dev/null)
for p in "${all[@]}"; do
  [[ -n "${in_debian12[$p]:-}" ]] || fail "'$p' is not a package of Debian 12 main (apt-cache madison $p)"
done

# The runtime stage's packages and all they depend on (pre-depends included),
# as apt installs them with --no-install-recommends.
declare -A closure=()
while read -r name; do
  closure[${name%:*}]=1
done < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
           --no-replaces --no-enhances "${runtime[@]}" 2>/dev/null | grep -v '^[[:space:]]' | tr -d '<>')

# variants PATH: PATH as given, resolved, and across merged /usr (a package
# may ship /lib/... that ldd names /usr/lib/..., or the other way round).
variants() {
  local path=$1 real
  real=$(readlink -f "$path")
  printf '%s\n' "$path" "$real" "${path#/usr}" "/usr${path#/usr}" "${real#/usr}" "/usr${real#/usr}"
}
# owners PATH...: fills path_owner[variant]=package in one dpkg -S (one a
# path would take seconds); owner PATH then answers from it.
declare -A path_owner=()
owners() {
  local p paths=() line
  for p in "$@"; do mapfile -t -O "${#paths[@]}" paths < <(variants "$p"); done
  while IFS= read -r line; do
    [[ "$line" == *": /"* ]] || continue
    path_owner[${line#*: }]=${line%%:*}
  done < <(dpkg -S "${paths[@]}" 2>/dev/null || true)
}
owner() {
  local v
  while read -r v; do
    [[ -n "${path_owner[$v]:-}" ]] && { echo "${path_owner[$v]}"; return 0; }
  done < <(variants "$1")
  return 1
}

# 2. Every library oltap loads comes with the runtime stage.
declare -A lib_owner=()
mapfile -t loaded < <(ldd "$BIN" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}')
owners "${loaded[@]#* }"
for entry in "${loaded[@]}"; do
  soname=${entry%% *} path=${entry#* }
  pkg=$(owner "$path") || { fail "$soname ($path): no package owns it (dpkg -S)"; continue; }
  lib_owner[$soname]=$pkg
  [[ -n "${closure[$pkg]:-}" ]] ||
    fail "oltap loads $soname from package $pkg, which the runtime stage neither installs nor depends on"
done
[[ ${#lib_owner[@]} -gt 0 ]] || fail "ldd $BIN resolved no library"

# 3. Every library package the runtime stage names is one oltap links.
declare -A linked=()
while read -r soname; do
  [[ -n "${lib_owner[$soname]:-}" ]] && linked[${lib_owner[$soname]}]=1
done < <(readelf -d "$BIN" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for p in "${runtime[@]}"; do
  if [[ -n "${NOT_LINKED[$p]:-}" ]]; then
    continue
  fi
  [[ -n "${linked[$p]:-}" ]] ||
    fail "the runtime stage installs $p, which owns no library oltap links (readelf -d $BIN): a stale name, or one to list in NOT_LINKED with its reason"
done

# 4. The ODBC drivers the targets name, from the runtime stage's packages.
for driver in "${ODBC_DRIVERS[@]}"; do
  lib=$(odbcinst -q -d -n "$driver" 2>/dev/null | sed -n 's/^Driver[[:space:]]*=[[:space:]]*//p' | head -1)
  if [[ -z "$lib" ]]; then
    fail "ODBC driver '$driver' is not registered on this machine (odbcinst -q -d): cannot tell its package"
    continue
  fi
  [[ "$lib" == /* ]] || lib=/usr/lib/x86_64-linux-gnu/odbc/$lib
  owners "$lib"
  pkg=$(owner "$lib") || { fail "ODBC driver '$driver' ($lib): no package owns it"; continue; }
  [[ " ${runtime[*]} " == *" $pkg "* ]] ||
    fail "ODBC driver '$driver' comes from $pkg, which the runtime stage does not install"
done

if [[ $failures -gt 0 ]]; then
  log "$failures problem(s) in $DOCKERFILE"
  exit 1
fi
log "ok: all ${#all[@]} packages are in Debian 12; the ${#lib_owner[@]} libraries oltap loads come with the runtime stage, and each of its library packages is one oltap links; the ODBC drivers ${ODBC_DRIVERS[*]} are its packages"
