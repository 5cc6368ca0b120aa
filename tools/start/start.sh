#!/usr/bin/env bash
# npm start: the one-machine stack. Starts Redis (Debian's package: AOF on, noeviction) and NATS
# (the current nats-server built by tools/setup/go-tools.sh, from tools/start/nats-server.conf:
# JetStream on file storage, fsync on every write) on loopback when they are not already listening
# (data under $DATA_DIR), then boots every service in one Node process on $PORT (8080). Postgres is
# embedded (PGlite + pgvector) unless DATABASE_URL is set. Migrations run on start; a demo account
# is created on first start and printed.
# When it ends (Ctrl-C, SIGTERM, or the Node process exiting) it stops the Node process first, then
# the Redis and NATS it started itself; a Redis or NATS that was already listening is left alone.
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

# Infrastructure this script started (pid files), stopped when it ends, after the Node process.
started=()

# stop_started: SIGTERM to each server we started (Redis rewrites nothing and fsyncs its AOF; NATS
# flushes JetStream), then waits up to 10 s for each to be gone.
stop_started() {
  local pidfile pid
  for pidfile in "${started[@]}"; do
    pid=$(cat "$pidfile" 2>/dev/null) || continue
    kill -TERM "$pid" 2>/dev/null && log "stopping $(basename "$pidfile" .pid) (pid $pid)"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}
trap stop_started EXIT

# wait_pidfile FILE NAME: the server writes its pid file once it runs.
wait_pidfile() {
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "postmagiq: $2 wrote no pid file $1 (see $DATA_DIR/logs/$2.log)" >&2
  exit 1
}

ensure_installed
data="$(realpath "$DATA_DIR")"

# Each server runs in its own session (setsid), so a Ctrl-C in the terminal reaches this script
# alone, which stops the services first and the servers after them.
if [[ "$REDIS_URL" == "redis://127.0.0.1:${REDIS_PORT}" ]] && ! port_open "$REDIS_PORT"; then
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (AOF, noeviction; data in $DATA_DIR/redis)"
  rm -f "$data/redis/redis.pid"
  setsid "$(find_bin redis-server)" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$data/redis" \
    --appendonly yes --maxmemory-policy noeviction --daemonize no \
    --pidfile "$data/redis/redis.pid" --logfile "$data/logs/redis-server.log" </dev/null &
  started+=("$data/redis/redis.pid")
  wait_port "$REDIS_PORT" redis-server
  wait_pidfile "$data/redis/redis.pid" redis-server
fi

# BullMQ loses jobs under eviction, and the queues survive a restart only with the append-only
# file: say so when the Redis in use (ours or one already running) is not configured that way.
redis_config() { redis-cli -u "$REDIS_URL" --no-auth-warning CONFIG GET "$1" 2>/dev/null | sed -n 2p; }
aof=$(redis_config appendonly) || true
policy=$(redis_config maxmemory-policy) || true
if [ -z "$aof$policy" ]; then
  log "warning: could not read the configuration of the Redis at $REDIS_URL"
elif [ "$aof" != yes ] || [ "$policy" != noeviction ]; then
  log "warning: the Redis at $REDIS_URL runs with appendonly $aof, maxmemory-policy $policy; Postmagiq needs appendonly yes and noeviction (queued work can be lost otherwise)"
fi

if [[ "$NATS_URL" == "nats://127.0.0.1:${NATS_PORT}" ]] && ! port_open "$NATS_PORT"; then
  # the current server from the Go tools cache (built once, under a minute, when missing)
  nats_bin=$(bash tools/setup/go-tools.sh nats-server | sed -n 's/^nats-server=//p')
  [ -x "$nats_bin" ] || { echo "postmagiq: no nats-server (tools/setup/go-tools.sh nats-server failed)" >&2; exit 1; }
  log "starting nats-server $("$nats_bin" --version | sed 's/^nats-server: //') (JetStream, file store, fsync on every write) on 127.0.0.1:$NATS_PORT (data in $DATA_DIR/nats)"
  rm -f "$data/nats/nats.pid"
  NATS_LISTEN="127.0.0.1:$NATS_PORT" NATS_STORE_DIR="$data/nats" NATS_PID_FILE="$data/nats/nats.pid" \
    setsid "$nats_bin" -c tools/start/nats-server.conf </dev/null >"$data/logs/nats-server.log" 2>&1 &
  started+=("$data/nats/nats.pid")
  wait_port "$NATS_PORT" nats-server
  wait_pidfile "$data/nats/nats.pid" nats-server
fi

# The service's JSON logs go to a file when a person is watching (the demo, or a terminal), so the
# terminal shows the run and the login; as a server under a supervisor, they stay on stdout.
# LOG_FILE set (even empty: stdout) wins.
if [ -z "${LOG_FILE+set}" ] && { [ "${POSTMAGIQ_MAIN_JOB:-}" = 1 ] || [ -t 1 ]; }; then
  export LOG_FILE="$(realpath "$DATA_DIR")/logs/postmagiq.log"
  log "service logs (JSON) go to $LOG_FILE"
fi

# The console is served from the same port; build it first when there is no build or its sources
# (or the contracts it imports) changed since. WEB_DIST_DIR set means someone else provides it.
build_console() {
  local index="web/dist/web/browser/index.html"
  local why=""
  if [ ! -f "$index" ]; then
    why="no build yet"
  elif [ -n "$(find web/src web/project.json web/tsconfig.json web/tsconfig.app.json libs/contracts/src -newer "$index" -print -quit 2>/dev/null)" ]; then
    why="its sources changed since the last build"
  else
    return 0
  fi
  log "building the console ($why; this takes about a minute)"
  local started=$SECONDS
  if NX_DAEMON=false npx nx run web:build --outputStyle=static >"$DATA_DIR/logs/console-build.log" 2>&1; then
    log "console built in $((SECONDS - started)) s"
  else
    echo "postmagiq: the console build failed (see $DATA_DIR/logs/console-build.log); the API starts without it" >&2
  fi
}
if [ -z "${WEB_DIST_DIR:-}" ]; then build_console; fi

log "booting the services on port $PORT (migrations run now; first start takes a few seconds)"
export SWC_NODE_PROJECT="${SWC_NODE_PROJECT:-tsconfig.base.json}"
setsid node -r @swc-node/register services/standalone/src/main.ts &
node_pid=$!
# Ctrl-C, a supervisor's SIGTERM or a closed terminal: the services shut down gracefully first
# (Nest's shutdown hooks), then the EXIT trap stops the servers
# (once: a second signal, e.g. npm forwarding the terminal's Ctrl-C, would cut that shutdown short)
forwarded=
forward() { [ -n "$forwarded" ] || { forwarded=1; kill -TERM "$node_pid" 2>/dev/null || true; }; }
trap forward INT TERM HUP
status=0
while kill -0 "$node_pid" 2>/dev/null; do
  wait "$node_pid" && status=0 || status=$?
done
exit "$status"
