#!/usr/bin/env bash
# stack.sh - a private, local database stack for oltap's tests and demos.
#
#   scripts/stack.sh up     [service...]   start (initialising on first use)
#   scripts/stack.sh down   [service...]   stop
#   scripts/stack.sh status [service...]   one line per service
#   scripts/stack.sh env                   export lines for the stack's targets
#
# Services (default: all of them):
#   postgres  PostgreSQL 15, 127.0.0.1:${OLTAP_PG_PORT:-54329}, role+db "oltap" (trust auth)
#   mariadb   MariaDB,       127.0.0.1:${OLTAP_MYSQL_PORT:-33069}, user+db "oltap" (no password)
#   redis     Redis,         127.0.0.1:${OLTAP_REDIS_PORT:-63799}, no persistence
#   warehouse database "warehouse" on the local PostgreSQL, reached over ODBC
#             (psqlODBC's "PostgreSQL Unicode") as a Redshift stand-in;
#             needs postgres, which `up warehouse` starts first
#
# TLS: on first `up`, a self-signed CA and a server certificate for
# localhost and 127.0.0.1 are made with openssl into .stack/tls/ (ca.crt is
# what a client verifies against; `env` exports its path as OLTAP_TLS_CA).
# PostgreSQL (ssl=on) and MariaDB (ssl_cert/ssl_key/ssl_ca) then accept TLS
# and plain connections alike; client.crt/client.key (CN=oltap, signed by
# the same CA) is a client certificate to try sslcert/sslkey with. A
# PostgreSQL started before the stack had TLS takes it on the next `up` (a
# reload); a MariaDB, once restarted (down, then up).
#
# State (data, sockets, logs) lives in the git-ignored .stack/ folder of the
# repo. When run as root, each server runs as its own system user (postgres,
# mysql, redis); if that user cannot reach the repo's path (e.g. /root/...),
# the service's state goes to /var/tmp/oltap-stack-<hash of repo path>/
# instead, and `status` says so. Servers are daemonized in their own session
# and outlive this script. Each command is idempotent.
#
# Adding a service: write <svc>_up/_down/_status/_env functions and add the
# name to ALL_SERVICES.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_DIR="$REPO_ROOT/.stack"
REPO_HASH="$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)"
FALLBACK_DIR="/var/tmp/oltap-stack-$REPO_HASH"

ALL_SERVICES=(postgres mariadb redis warehouse)

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="${OLTAP_PG_PORT:-54329}"
MY_PORT="${OLTAP_MYSQL_PORT:-33069}"
REDIS_PORT="${OLTAP_REDIS_PORT:-63799}"

log()  { printf '[stack] %s\n' "$*"; }
warn() { printf '[stack] warning: %s\n' "$*" >&2; }
die()  { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,31s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

# ---------------------------------------------------------------- helpers

# os_user SYSUSER: the OS user a server runs as (SYSUSER as root, else ourselves).
os_user() { if [[ $IS_ROOT -eq 1 ]]; then echo "$1"; else id -un; fi; }

# as_user SYSUSER CMD...: run CMD as the service's OS user, from / so that an
# unreachable current directory does not bother it.
as_user() {
  local u="$1"; shift
  if [[ $IS_ROOT -eq 1 ]]; then
    (cd / && runuser -u "$u" -- "$@")
  else
    (cd / && "$@")
  fi
}

# daemon_as_user SYSUSER CMD...: like as_user, but in a new session so the
# process survives this script, its terminal and its process group.
daemon_as_user() {
  local u="$1"; shift
  if [[ $IS_ROOT -eq 1 ]]; then
    (cd / && setsid -w runuser -u "$u" -- "$@")
  else
    (cd / && setsid -w "$@")
  fi
}

# can_reach SYSUSER: can that user traverse to the repo's .stack folder?
can_reach() {
  [[ $IS_ROOT -eq 0 ]] && return 0
  id "$1" >/dev/null 2>&1 || return 1
  runuser -u "$1" -- test -x "$REPO_ROOT" 2>/dev/null || return 1
  if [[ -e "$STATE_DIR" ]]; then
    runuser -u "$1" -- test -x "$STATE_DIR" 2>/dev/null || return 1
  fi
  return 0
}

# base_dir SVC SYSUSER: where SVC keeps its state.
base_dir() {
  if can_reach "$2"; then echo "$STATE_DIR/$1"; else echo "$FALLBACK_DIR/$1"; fi
}

# location_note SVC SYSUSER: explains a fallback location, empty otherwise.
location_note() {
  if ! can_reach "$2"; then
    echo " (in /var/tmp: OS user '$2' cannot reach $REPO_ROOT)"
  fi
}

# prepare_base DIR SYSUSER: create the state folder, owned by the service user.
prepare_base() {
  local dir="$1" u="$2"
  if [[ ! -d "$STATE_DIR" ]]; then
    mkdir -p "$STATE_DIR"
    chmod 755 "$STATE_DIR"
  fi
  if [[ "$dir" == "$FALLBACK_DIR"/* && ! -d "$FALLBACK_DIR" ]]; then
    mkdir -p "$FALLBACK_DIR"
    chmod 755 "$FALLBACK_DIR"
  fi
  mkdir -p "$dir"
  if [[ $IS_ROOT -eq 1 ]]; then
    id "$u" >/dev/null 2>&1 || die "OS user '$u' does not exist (run scripts/setup.sh)"
    if [[ "$(stat -c %U "$dir")" != "$u" ]] || [[ -n "$(find "$dir" ! -user "$u" -print -quit)" ]]; then
      chown -R "$u:" "$dir"
    fi
  fi
  chmod 700 "$dir"
}

# own SYSUSER PATH...: give files we created as root to the service user.
own() {
  local u="$1"; shift
  if [[ $IS_ROOT -eq 1 ]]; then chown "$u:" "$@"; fi
}

# port_in_use PORT: is something accepting TCP connections on 127.0.0.1:PORT?
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# socket_dir BASE PORT NAME: a unix socket folder whose path fits the ~107
# byte limit; inside BASE when possible, else a short folder under /tmp.
socket_dir() {
  local dir="$1/run"
  if (( ${#dir} + 24 > 100 )); then
    dir="/tmp/oltap-$3-$REPO_HASH"
  fi
  echo "$dir"
}

need_bin() { [[ -x "$1" ]] || command -v "$1" >/dev/null 2>&1 || die "$1 not found (run scripts/setup.sh)"; }

# wait_pid_gone PID SECONDS
wait_pid_gone() {
  local pid="$1" i
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------- tls

TLS_DIR="$STATE_DIR/tls"

# tls_make: the stack's CA and server certificate, made once (kept across
# `down` and `up`, so a client's copy of ca.crt stays valid).
tls_make() {
  [[ -s "$TLS_DIR/ca.crt" && -s "$TLS_DIR/server.crt" && -s "$TLS_DIR/client.crt" ]] && return 0
  need_bin openssl
  mkdir -p "$TLS_DIR"
  chmod 755 "$STATE_DIR" "$TLS_DIR"
  log "tls: making a self-signed CA and a server certificate for localhost, 127.0.0.1 in $TLS_DIR"
  local ext="$TLS_DIR/server.ext"
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$ext"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=oltap stack CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.csr" &&
    openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" \
      -CAcreateserial -days 3650 -extfile "$ext" -out "$TLS_DIR/server.crt" &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=oltap" \
      -keyout "$TLS_DIR/client.key" -out "$TLS_DIR/client.csr" &&
    openssl x509 -req -in "$TLS_DIR/client.csr" -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" \
      -CAcreateserial -days 3650 -out "$TLS_DIR/client.crt"
  } >"$TLS_DIR/openssl.log" 2>&1 || { cat "$TLS_DIR/openssl.log" >&2; rm -f "$TLS_DIR"/*.crt; die "tls: openssl failed"; }
  chmod 600 "$TLS_DIR/ca.key" "$TLS_DIR/server.key" "$TLS_DIR/client.key"
  chmod 644 "$TLS_DIR/ca.crt" "$TLS_DIR/server.crt" "$TLS_DIR/client.crt"
}

# tls_install DIR SYSUSER: a copy of the server's certificate, key and the CA
# in DIR owned by the service's user (PostgreSQL refuses a key others can
# read; the service user may not reach .stack/tls).
tls_install() {
  local dir="$1" u="$2" f
  tls_make
  for f in server.crt server.key ca.crt; do
    if ! cmp -s "$TLS_DIR/$f" "$dir/$f"; then
      cp "$TLS_DIR/$f" "$dir/$f"
    fi
    own "$u" "$dir/$f"
  done
  chmod 600 "$dir/server.key"
}

# ---------------------------------------------------------------- postgres

PG_USER_SYS=postgres

pg_paths() {
  PG_BASE="$(base_dir postgres "$PG_USER_SYS")"
  PG_DATA="$PG_BASE/data"
  PG_LOG="$PG_BASE/postgres.log"
  PG_SOCK="$(socket_dir "$PG_BASE" "$PG_PORT" pg)"
  PG_OS_USER="$(os_user "$PG_USER_SYS")"
  PG_SUPER="$PG_OS_USER"   # bootstrap superuser = OS user that owns the cluster
}

pg_ctl_() { as_user "$PG_USER_SYS" "$PG_BIN/pg_ctl" -D "$PG_DATA" "$@"; }

pg_running() { [[ -f "$PG_DATA/PG_VERSION" ]] && pg_ctl_ status >/dev/null 2>&1; }

# the port the running postmaster listens on (line 4 of postmaster.pid)
pg_running_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true; }

# shellcheck disable=SC2120  # callers may pass extra psql arguments
pg_psql() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPER" -d postgres "$@"
}

pg_write_config() {
  # Our settings live in their own file, included from postgresql.conf and
  # rewritten on every `up`; a restart applies changes.
  as_user "$PG_USER_SYS" tee "$PG_DATA/oltap.conf" >/dev/null <<EOF
# written by scripts/stack.sh on every 'up'; edit the script, not this file
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 200
shared_buffers = 256MB
wal_level = minimal
max_wal_senders = 0
max_wal_size = 2GB
checkpoint_timeout = 15min
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
# TLS beside plain connections (pg_hba's host lines take both)
ssl = on
ssl_cert_file = '$PG_BASE/server.crt'
ssl_key_file = '$PG_BASE/server.key'
ssl_ca_file = '$PG_BASE/ca.crt'
EOF
  if ! grep -q "^include_if_exists = 'oltap.conf'" "$PG_DATA/postgresql.conf"; then
    printf "\n# oltap stack settings\ninclude_if_exists = 'oltap.conf'\n" \
      | as_user "$PG_USER_SYS" tee -a "$PG_DATA/postgresql.conf" >/dev/null
  fi
  pg_write_hba || true
}

# pg_write_hba: (re)writes pg_hba.conf on every `up`; returns 0 when its
# content changed (a running server then needs a reload), 1 when it did not.
pg_write_hba() {
  # trust, but only over the unix socket (private folder) and 127.0.0.1;
  # role oltap_pw (made by the integration tests) must give its password over
  # TCP, so that a wrong password can be tested
  local want
  want="$(cat <<'EOF'
# written by scripts/stack.sh: local stack for tests, no passwords
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       all                      trust
host    all       oltap_pw  127.0.0.1/32   scram-sha-256
host    all       all       127.0.0.1/32   trust
EOF
)"
  [[ "$(cat "$PG_DATA/pg_hba.conf" 2>/dev/null || true)" == "$want" ]] && return 1
  printf '%s\n' "$want" | as_user "$PG_USER_SYS" tee "$PG_DATA/pg_hba.conf" >/dev/null
  return 0
}

pg_up() {
  need_bin "$PG_BIN/postgres"
  pg_paths
  prepare_base "$PG_BASE" "$PG_USER_SYS"
  [[ "$PG_BASE" == "$FALLBACK_DIR"/* ]] && \
    log "postgres: OS user '$PG_OS_USER' cannot reach $REPO_ROOT; using $PG_BASE"

  if pg_running; then
    local running_port; running_port="$(pg_running_port)"
    if [[ -n "$running_port" && "$running_port" != "$PG_PORT" ]]; then
      die "postgres: already running on port $running_port, not $PG_PORT; run '$0 down postgres' first"
    fi
    log "postgres: already running on 127.0.0.1:$PG_PORT"
    # A server started before the stack had TLS takes it on a reload (ssl is a
    # reloadable setting since PostgreSQL 10).
    tls_install "$PG_BASE" "$PG_USER_SYS"
    local before; before="$(cat "$PG_DATA/oltap.conf" "$PG_DATA/pg_hba.conf" 2>/dev/null || true)"
    pg_write_config
    if [[ "$(cat "$PG_DATA/oltap.conf" "$PG_DATA/pg_hba.conf")" != "$before" ]]; then
      pg_ctl_ -s reload || die "postgres: pg_ctl reload failed (see $PG_LOG)"
      log "postgres: configuration rewritten and reloaded"
    fi
  else
    if [[ -d "$PG_DATA" && ! -f "$PG_DATA/PG_VERSION" ]]; then
      warn "postgres: removing incomplete data dir $PG_DATA"
      rm -rf "$PG_DATA"
    fi
    if [[ ! -d "$PG_DATA" ]]; then
      log "postgres: initdb $PG_DATA"
      as_user "$PG_USER_SYS" "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPER" \
        -A trust -E UTF8 --locale C --no-sync --no-instructions >"$PG_BASE/initdb.log" 2>&1 \
        || { cat "$PG_BASE/initdb.log" >&2; die "postgres: initdb failed"; }
      own "$PG_USER_SYS" "$PG_BASE/initdb.log"
    fi
    tls_install "$PG_BASE" "$PG_USER_SYS"
    pg_write_config
    if port_in_use "$PG_PORT"; then
      die "postgres: port $PG_PORT on 127.0.0.1 is taken by another process (set OLTAP_PG_PORT)"
    fi
    mkdir -p "$PG_SOCK"
    [[ $IS_ROOT -eq 1 ]] && chown "$PG_USER_SYS:" "$PG_SOCK"
    chmod 700 "$PG_SOCK"
    log "postgres: starting on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    if ! daemon_as_user "$PG_USER_SYS" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s start; then
      tail -n 20 "$PG_LOG" >&2 || true
      die "postgres: failed to start (see $PG_LOG)"
    fi
  fi

  local i
  for ((i = 0; i < 60; i++)); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 && break
    sleep 0.5
  done
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 5 \
    || die "postgres: not accepting connections on 127.0.0.1:$PG_PORT (see $PG_LOG)"

  # role and database "oltap", created once
  pg_psql <<'EOF'
SELECT 'CREATE ROLE oltap LOGIN SUPERUSER'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oltap') \gexec
SELECT 'ALTER ROLE oltap LOGIN SUPERUSER'
 WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oltap' AND NOT (rolsuper AND rolcanlogin)) \gexec
SELECT 'CREATE DATABASE oltap OWNER oltap'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'oltap') \gexec
EOF
  log "postgres: up, $(pg_env_uri)"
}

pg_down() {
  pg_paths
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "postgres: not initialised ($PG_DATA), nothing to stop"
  elif pg_running; then
    log "postgres: stopping"
    pg_ctl_ -m fast -w -t 120 -s stop || die "postgres: pg_ctl stop failed (see $PG_LOG)"
    log "postgres: stopped"
  else
    log "postgres: already stopped"
  fi
}

pg_status() {
  pg_paths
  local state=down port="$PG_PORT"
  if pg_running; then
    state=up
    port="$(pg_running_port)"; port="${port:-$PG_PORT}"
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2 || state="up(not ready)"
  elif [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    state="down(not initialised)"
  fi
  printf '%-9s %-22s 127.0.0.1:%-6s data=%s%s\n' postgres "$state" "$port" "$PG_DATA" \
    "$(location_note postgres "$PG_USER_SYS")"
}

pg_env_uri() { echo "postgresql://oltap@127.0.0.1:$PG_PORT/oltap"; }
pg_env() { echo "export OLTAP_POSTGRES=$(pg_env_uri)"; }

# ---------------------------------------------------------------- mariadb

MY_USER_SYS=mysql

my_paths() {
  MY_BASE="$(base_dir mariadb "$MY_USER_SYS")"
  MY_DATA="$MY_BASE/data"
  MY_LOG="$MY_BASE/mariadb.log"
  MY_RUN="$(socket_dir "$MY_BASE" "$MY_PORT" my)"
  MY_SOCK="$MY_RUN/mariadb.sock"
  MY_PID="$MY_RUN/mariadb.pid"
  MY_OS_USER="$(os_user "$MY_USER_SYS")"
}

my_pid() {
  local pid
  pid="$(cat "$MY_PID" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == mariadbd ]] \
    && echo "$pid"
}

my_running() { [[ -n "$(my_pid)" ]]; }

# admin client: the OS user that owns the server logs in through the socket
# (unix_socket authentication, set up by mariadb-install-db)
my_admin() {
  as_user "$MY_USER_SYS" mariadb --no-defaults --protocol=socket -S "$MY_SOCK" -u "$MY_OS_USER" "$@"
}

my_up() {
  need_bin mariadbd; need_bin mariadb-install-db; need_bin mariadb
  my_paths
  prepare_base "$MY_BASE" "$MY_USER_SYS"
  [[ "$MY_BASE" == "$FALLBACK_DIR"/* ]] && \
    log "mariadb: OS user '$MY_OS_USER' cannot reach $REPO_ROOT; using $MY_BASE"

  if my_running; then
    log "mariadb: already running on 127.0.0.1:$MY_PORT"
  else
    if [[ -d "$MY_DATA" && ! -d "$MY_DATA/mysql" ]]; then
      warn "mariadb: removing incomplete data dir $MY_DATA"
      rm -rf "$MY_DATA"
    fi
    if [[ ! -d "$MY_DATA" ]]; then
      log "mariadb: mariadb-install-db $MY_DATA"
      as_user "$MY_USER_SYS" mariadb-install-db --no-defaults --datadir="$MY_DATA" \
        --auth-root-authentication-method=socket --auth-root-socket-user="$MY_OS_USER" --skip-test-db >"$MY_BASE/install-db.log" 2>&1 \
        || { cat "$MY_BASE/install-db.log" >&2; rm -rf "$MY_DATA"; die "mariadb: mariadb-install-db failed"; }
      own "$MY_USER_SYS" "$MY_BASE/install-db.log"
    fi
    if port_in_use "$MY_PORT"; then
      die "mariadb: port $MY_PORT on 127.0.0.1 is taken by another process (set OLTAP_MYSQL_PORT)"
    fi
    mkdir -p "$MY_RUN"
    [[ $IS_ROOT -eq 1 ]] && chown "$MY_USER_SYS:" "$MY_RUN"
    chmod 755 "$MY_RUN"
    rm -f "$MY_PID"
    touch "$MY_BASE/stdout.log"
    own "$MY_USER_SYS" "$MY_BASE/stdout.log"
    log "mariadb: starting on 127.0.0.1:$MY_PORT (log: $MY_LOG)"
    # mariadbd stays in the foreground; setsid -f detaches it into its own
    # session. As root it is started with --user: it raises its open-files
    # limit, then drops to the mysql user itself.
    tls_install "$MY_BASE" "$MY_USER_SYS"
    # TLS beside plain connections (require_secure_transport stays off).
    local cmd=(mariadbd --no-defaults --datadir="$MY_DATA" --socket="$MY_SOCK" --pid-file="$MY_PID"
      --log-error="$MY_LOG" --port="$MY_PORT" --bind-address=127.0.0.1 --skip-name-resolve
      --max-connections=200 --innodb-buffer-pool-size=256M --innodb-log-file-size=256M
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
      --ssl-cert="$MY_BASE/server.crt" --ssl-key="$MY_BASE/server.key" --ssl-ca="$MY_BASE/ca.crt")
    [[ $IS_ROOT -eq 1 ]] && cmd+=(--user="$MY_USER_SYS")
    (cd / && setsid -f "${cmd[@]}" </dev/null >>"$MY_BASE/stdout.log" 2>&1)
  fi

  local i
  for ((i = 0; i < 120; i++)); do
    my_admin -N -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  my_admin -N -e 'SELECT 1' >/dev/null 2>&1 || {
    tail -n 20 "$MY_LOG" >&2 || true
    die "mariadb: not accepting connections on $MY_SOCK (see $MY_LOG)"
  }

  my_admin <<'EOF'
CREATE USER IF NOT EXISTS 'oltap'@'127.0.0.1';
CREATE USER IF NOT EXISTS 'oltap'@'localhost';
GRANT ALL PRIVILEGES ON *.* TO 'oltap'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'oltap'@'localhost' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS oltap CHARACTER SET utf8mb4;
EOF
  log "mariadb: up, $(my_env_uri)"
}

my_down() {
  my_paths
  local pid; pid="$(my_pid || true)"
  if [[ -z "$pid" ]]; then
    log "mariadb: already stopped"
    return 0
  fi
  log "mariadb: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 120 || die "mariadb: pid $pid did not stop within 120s"
  log "mariadb: stopped"
}

my_status() {
  my_paths
  local state=down
  if my_running; then
    state=up
    my_admin -N -e 'SELECT 1' >/dev/null 2>&1 || state="up(not ready)"
  elif [[ ! -d "$MY_DATA/mysql" ]]; then
    state="down(not initialised)"
  fi
  printf '%-9s %-22s 127.0.0.1:%-6s data=%s%s\n' mariadb "$state" "$MY_PORT" "$MY_DATA" \
    "$(location_note mariadb "$MY_USER_SYS")"
}

my_env_uri() { echo "mysql://oltap@127.0.0.1:$MY_PORT/oltap"; }
my_env() { echo "export OLTAP_MYSQL=$(my_env_uri)"; }

# ---------------------------------------------------------------- redis

REDIS_USER_SYS=redis

redis_paths() {
  REDIS_BASE="$(base_dir redis "$REDIS_USER_SYS")"
  REDIS_PID="$REDIS_BASE/redis.pid"
  REDIS_LOG="$REDIS_BASE/redis.log"
}

redis_pid() {
  local pid
  pid="$(cat "$REDIS_PID" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == redis-server* ]] \
    && echo "$pid"
}

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

redis_up() {
  need_bin redis-server; need_bin redis-cli
  redis_paths
  prepare_base "$REDIS_BASE" "$REDIS_USER_SYS"
  [[ "$REDIS_BASE" == "$FALLBACK_DIR"/* ]] && \
    log "redis: OS user '$(os_user "$REDIS_USER_SYS")' cannot reach $REPO_ROOT; using $REDIS_BASE"
  if [[ -n "$(redis_pid || true)" ]]; then
    log "redis: already running on 127.0.0.1:$REDIS_PORT"
  else
    if port_in_use "$REDIS_PORT"; then
      die "redis: port $REDIS_PORT on 127.0.0.1 is taken by another process (set OLTAP_REDIS_PORT)"
    fi
    rm -f "$REDIS_PID"
    log "redis: starting on 127.0.0.1:$REDIS_PORT (log: $REDIS_LOG)"
    daemon_as_user "$REDIS_USER_SYS" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
      --daemonize yes --save '' --appendonly no --dir "$REDIS_BASE" \
      --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" </dev/null \
      || die "redis: failed to start (see $REDIS_LOG)"
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    redis_ping && break
    sleep 0.5
  done
  redis_ping || die "redis: not answering PING on 127.0.0.1:$REDIS_PORT (see $REDIS_LOG)"
  log "redis: up, $(redis_env_uri)"
}

redis_down() {
  redis_paths
  local pid; pid="$(redis_pid || true)"
  if [[ -z "$pid" ]]; then
    log "redis: already stopped"
    return 0
  fi
  log "redis: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 60 || die "redis: pid $pid did not stop within 60s"
  log "redis: stopped"
}

redis_status() {
  redis_paths
  local state=down
  if [[ -n "$(redis_pid || true)" ]]; then
    state=up
    redis_ping || state="up(not ready)"
  fi
  printf '%-9s %-22s 127.0.0.1:%-6s data=%s%s\n' redis "$state" "$REDIS_PORT" "$REDIS_BASE" \
    "$(location_note redis "$REDIS_USER_SYS")"
}

redis_env_uri() { echo "redis://127.0.0.1:$REDIS_PORT/0"; }
redis_env() { echo "export OLTAP_REDIS=$(redis_env_uri)"; }

# ---------------------------------------------------------------- warehouse

# A database of the local PostgreSQL that oltap reaches through unixODBC and
# psqlODBC with the redshift dialect: the stand-in for an analytical
# warehouse. Nothing of its own runs: up creates the database, down leaves it.
WH_DB=warehouse
WH_DRIVER="PostgreSQL Unicode"

wh_driver_installed() { odbcinst -q -d -n "$WH_DRIVER" >/dev/null 2>&1; }

wh_up() {
  need_bin odbcinst
  wh_driver_installed || die "warehouse: ODBC driver '$WH_DRIVER' is not installed (apt-get install odbc-postgresql)"
  pg_paths
  pg_running || pg_up
  pg_psql <<EOF
SELECT 'CREATE DATABASE $WH_DB OWNER oltap'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$WH_DB') \gexec
EOF
  log "warehouse: up, database $WH_DB on 127.0.0.1:$PG_PORT through ODBC driver '$WH_DRIVER'"
}

wh_down() {
  log "warehouse: a database of postgres, nothing to stop on its own ('$0 down postgres' stops it)"
}

wh_status() {
  pg_paths
  local state=down
  if pg_running; then
    if [[ "$(pg_psql -At -c "SELECT 1 FROM pg_database WHERE datname = '$WH_DB'" 2>/dev/null)" == 1 ]]; then
      state=up
    else
      state="down(no database)"
    fi
  fi
  wh_driver_installed || state="$state(no ODBC driver)"
  printf '%-9s %-22s 127.0.0.1:%-6s db=%s driver=%s\n' warehouse "$state" "$PG_PORT" "$WH_DB" "$WH_DRIVER"
}

# Single-quoted for eval: the connection string holds ';', braces and a space.
wh_env_uri() {
  echo "odbc:Driver={$WH_DRIVER};Server=127.0.0.1;Port=$PG_PORT;Database=$WH_DB;Uid=oltap;dialect=redshift"
}
wh_env() { echo "export OLTAP_WAREHOUSE='$(wh_env_uri)'"; }

# ---------------------------------------------------------------- dispatcher

# function-name prefix of a service
prefix_of() {
  case "$1" in
    postgres|postgresql|pg) echo pg ;;
    mariadb|mysql|my)       echo my ;;
    redis)                  echo redis ;;
    warehouse|wh)           echo wh ;;
    *) die "unknown service '$1' (known: ${ALL_SERVICES[*]})" ;;
  esac
}

main() {
  local action="${1:-}"
  [[ $# -gt 0 ]] && shift
  local services=("$@")
  [[ ${#services[@]} -eq 0 ]] && services=("${ALL_SERVICES[@]}")

  local s rc=0
  case "$action" in
    up)
      for s in "${services[@]}"; do "$(prefix_of "$s")_up"; done
      log "ready; for the targets run: eval \"\$($0 env)\""
      ;;
    down)
      # stop in reverse order
      for ((rc = ${#services[@]} - 1; rc >= 0; rc--)); do "$(prefix_of "${services[rc]}")_down"; done
      ;;
    status)
      for s in "${services[@]}"; do "$(prefix_of "$s")_status"; done
      ;;
    env)
      for s in "${services[@]}"; do "$(prefix_of "$s")_env"; done
      # The CA the servers' certificate is signed by, once the stack has made it.
      if [[ -s "$TLS_DIR/ca.crt" ]]; then echo "export OLTAP_TLS_CA=$TLS_DIR/ca.crt"; fi
      ;;
    -h|--help|help) usage ;;
    "") usage >&2; exit 2 ;;
    *) printf '[stack] error: unknown command %s\n' "$action" >&2; usage >&2; exit 2 ;;
  esac
}

main "$@"
