#!/usr/bin/env bash
# The dedicated local PostgreSQL 15 cluster: `start` (create on first use), `stop`, `status`.
# EVARA_PG_STATE puts a cluster of its own elsewhere (with its own EVARA_PG_PORT): the fault run stops and restarts one.
# The server refuses to run as root, so it runs as the distribution's postgres service user.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/local-env.sh"

bin=/usr/lib/postgresql/15/bin
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

# The data lives in the checkout's .data/ when the postgres user can reach it; a checkout under a private home
# (mode 700) cannot be, so its cluster lives under the service user's home, one per checkout path.
if [ -n "${EVARA_PG_STATE:-}" ]; then
  state="$EVARA_PG_STATE"
elif as_postgres test -x "$root" 2>/dev/null; then
  state="$root/.data"
else
  state="/var/lib/postgresql/evaratech/$(printf '%s' "$root" | md5sum | cut -c1-12)"
fi
mkdir -p "$state"
data="$state/pg15"
run="$state/pg15-run"
psql_admin() { PGOPTIONS="-c client_min_messages=warning" as_postgres "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$EVARA_PG_PORT" -U postgres -d postgres "$@"; }

create() {
  mkdir -p "$data" "$run"
  chown postgres:postgres "$data" "$run"
  chmod 700 "$data"
  as_postgres "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$data/postgresql.conf" <<CONF
# EvaraTech local cluster
listen_addresses = '127.0.0.1'
port = $EVARA_PG_PORT
unix_socket_directories = '$run'
max_connections = 300
shared_buffers = 512MB
work_mem = 16MB
maintenance_work_mem = 256MB
synchronous_commit = off
fsync = on
max_wal_size = 4GB
log_min_messages = warning
CONF
}

start() {
  [ -f "$data/PG_VERSION" ] || create
  mkdir -p "$run" && chown postgres:postgres "$run"
  if ! as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    if ! as_postgres "$bin/pg_ctl" -D "$data" -l "$run/server.log" -w -t 60 start >/dev/null; then
      echo "[postgres] could not start (is another server on port $EVARA_PG_PORT? set EVARA_PG_PORT):" >&2
      tail -n 20 "$run/server.log" >&2
      exit 1
    fi
  fi
  psql_admin <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$EVARA_PG_ADMIN_USER') THEN
    CREATE ROLE "$EVARA_PG_ADMIN_USER" LOGIN SUPERUSER PASSWORD '$EVARA_PG_ADMIN_PASSWORD';
  END IF;
  -- The application's role: never superuser, never BYPASSRLS, so row-level security applies to it.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$EVARA_PG_APP_USER') THEN
    CREATE ROLE "$EVARA_PG_APP_USER" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD '$EVARA_PG_APP_PASSWORD';
  END IF;
  -- The group role the migrations grant to (db/migrations/0001); the login is made a member of it.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'evaratech_app') THEN
    CREATE ROLE evaratech_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  GRANT evaratech_app TO "$EVARA_PG_APP_USER";
END
\$\$;
SQL
  if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'evaratech'" | grep -q 1; then
    psql_admin -c "CREATE DATABASE evaratech OWNER \"$EVARA_PG_ADMIN_USER\""
  fi
  echo "[postgres] running on 127.0.0.1:$EVARA_PG_PORT (data: $data)"
}

stop() {
  if [ -f "$data/PG_VERSION" ]; then as_postgres "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) as_postgres "$bin/pg_ctl" -D "$data" status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
