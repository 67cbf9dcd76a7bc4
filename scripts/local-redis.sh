#!/usr/bin/env bash
# The local Redis of the embedded default: `start` (daemonized on 127.0.0.1:$EVARA_REDIS_PORT), `stop`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/local-env.sh"
dir="$root/.data/redis"

case "${1:-start}" in
  start)
    mkdir -p "$dir"
    if ! redis-cli -h 127.0.0.1 -p "$EVARA_REDIS_PORT" ping >/dev/null 2>&1; then
      redis-server --bind 127.0.0.1 --port "$EVARA_REDIS_PORT" --daemonize yes --dir "$dir" \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save "" --appendonly no
    fi
    echo "[redis] running on 127.0.0.1:$EVARA_REDIS_PORT"
    ;;
  stop) redis-cli -h 127.0.0.1 -p "$EVARA_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
