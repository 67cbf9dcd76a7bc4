#!/usr/bin/env bash
# A fresh database for the console's end-to-end tests on the local server: the API started by Playwright migrates
# and seeds it (demo tenants, users, nodes), so every run starts from the same demo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/local-env.sh"
database="${EVARA_E2E_DATABASE:-evaratech_e2e}"
export PGPASSWORD="$EVARA_PG_ADMIN_PASSWORD"
psql -q -h 127.0.0.1 -p "$EVARA_PG_PORT" -U "$EVARA_PG_ADMIN_USER" -d postgres -v ON_ERROR_STOP=1 \
  -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" -c "CREATE DATABASE \"$database\""
echo "[e2e] database $database ready"
