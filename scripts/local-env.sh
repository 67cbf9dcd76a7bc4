# Shared defaults of the local development platform; sourced by the scripts and read by build.cake.
# Development-only credentials for a server bound to 127.0.0.1: never use them anywhere else.
export EVARA_PG_PORT="${EVARA_PG_PORT:-55432}"
export EVARA_PG_ADMIN_USER="${EVARA_PG_ADMIN_USER:-evara}"
export EVARA_PG_ADMIN_PASSWORD="${EVARA_PG_ADMIN_PASSWORD:-evara-local-admin}"
export EVARA_PG_APP_USER="${EVARA_PG_APP_USER:-evara_app}"
export EVARA_PG_APP_PASSWORD="${EVARA_PG_APP_PASSWORD:-evara-local-app}"
export EVARA_REDIS_PORT="${EVARA_REDIS_PORT:-56379}"
