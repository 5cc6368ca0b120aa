#!/usr/bin/env bash
# npm start: the one-machine stack. Ensures Redis and NATS (Debian packages) exist, starts them on
# loopback when they are not already running (data under $DATA_DIR), then boots every service in
# one Node process on $PORT (8080). Postgres is embedded (PGlite + pgvector) unless DATABASE_URL
# is set. Migrations run on start; a demo account is created on first start and printed.
set -euo pipefail

cd "$(dirname "$0")/../.."
# `--main-job` (npm run demo): after boot, run the default workflow for the demo workspace's story.
for arg in "$@"; do
  case "$arg" in
    --main-job) export POSTMAGIQ_MAIN_JOB=1 ;;
    *) echo "postmagiq: unknown option $arg (start.sh takes --main-job)" >&2; exit 1 ;;
  esac
done
export DATA_DIR="${DATA_DIR:-.data}"
export PORT="${PORT:-8080}"
# Prometheus scrapes GET /metrics here, never on the API port (METRICS_PORT= empty: no metrics)
export METRICS_PORT="${METRICS_PORT-9464}"
REDIS_PORT="${REDIS_PORT:-6379}"
NATS_PORT="${NATS_PORT:-4222}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:${REDIS_PORT}}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:${NATS_PORT}}"
mkdir -p "$DATA_DIR/redis" "$DATA_DIR/nats" "$DATA_DIR/logs"

log() { printf '\033[1mpostmagiq:\033[0m %s\n' "$*"; }

find_bin() {
  local name=$1
  for c in "/usr/bin/$name" "/usr/sbin/$name" "/usr/local/bin/$name"; do
    [ -x "$c" ] && { echo "$c"; return 0; }
  done
  command -v "$name" 2>/dev/null || return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_installed() {
  local missing=()
  find_bin redis-server >/dev/null || missing+=(redis-server)
  find_bin nats-server >/dev/null || missing+=(nats-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} from the Debian packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "postmagiq: ${missing[*]} not installed. Install them first, e.g.:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
}

wait_port() {
  for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done
  echo "postmagiq: $2 did not come up on 127.0.0.1:$1 (see $DATA_DIR/logs/$2.log)" >&2
  exit 1
}

ensure_installed

if [[ "$REDIS_URL" == "redis://127.0.0.1:${REDIS_PORT}" ]] && ! port_open "$REDIS_PORT"; then
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (data in $DATA_DIR/redis)"
  "$(find_bin redis-server)" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$(realpath "$DATA_DIR/redis")" \
    --appendonly yes --maxmemory-policy noeviction --daemonize yes \
    --pidfile "$(realpath "$DATA_DIR")/redis/redis.pid" --logfile "$(realpath "$DATA_DIR")/logs/redis-server.log"
  wait_port "$REDIS_PORT" redis-server
fi

if [[ "$NATS_URL" == "nats://127.0.0.1:${NATS_PORT}" ]] && ! port_open "$NATS_PORT"; then
  log "starting nats-server (JetStream) on 127.0.0.1:$NATS_PORT (data in $DATA_DIR/nats)"
  nohup "$(find_bin nats-server)" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$(realpath "$DATA_DIR/nats")" \
    -P "$(realpath "$DATA_DIR")/nats/nats.pid" >"$DATA_DIR/logs/nats-server.log" 2>&1 &
  disown || true
  wait_port "$NATS_PORT" nats-server
fi

# The service's JSON logs go to a file when a person is watching (the demo, or a terminal), so the
# terminal shows the run and the login; as a server under a supervisor, they stay on stdout.
# LOG_FILE set (even empty: stdout) wins.
if [ -z "${LOG_FILE+set}" ] && { [ "${POSTMAGIQ_MAIN_JOB:-}" = 1 ] || [ -t 1 ]; }; then
  export LOG_FILE="$(realpath "$DATA_DIR")/logs/postmagiq.log"
  log "service logs (JSON) go to $LOG_FILE"
fi

log "booting the services on port $PORT (migrations run now; first start takes a few seconds)"
export SWC_NODE_PROJECT="${SWC_NODE_PROJECT:-tsconfig.base.json}"
exec node -r @swc-node/register services/standalone/src/main.ts
