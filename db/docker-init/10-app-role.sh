#!/bin/bash
# First start of the TimescaleDB container: the application's login, never superuser, never BYPASSRLS, made a
# member of the group role the migrations grant to (db/migrations/0001).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE evaratech_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
CREATE ROLE evara_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE PASSWORD '${EVARA_APP_PASSWORD}';
GRANT evaratech_app TO evara_app;
SQL
