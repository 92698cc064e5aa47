#!/usr/bin/env bash
# Starts Gemini Pool on this machine: keypool (8081), usage (8082), gateway (8080).
# With GEMINI_POOL_DB_URL unset it also starts an embedded MariaDB whose data lives under $GEMINI_POOL_DATA_DIR.
# A process that exits unexpectedly is restarted (with backoff, logged). Ctrl-C stops everything this script started.
# Usage: ./run.sh [--demo]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

DEMO=false
for arg in "$@"; do
  case "$arg" in
    --demo) DEMO=true ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

DATA_DIR=${GEMINI_POOL_DATA_DIR:-$ROOT/data}
mkdir -p "$DATA_DIR/logs" "$DATA_DIR/run"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
LOGS=$DATA_DIR/logs
RUN_DIR=$DATA_DIR/run # <name>.pid of each process run.sh supervises

jar_of() { echo "$ROOT/$1/target/quarkus-app/quarkus-run.jar"; }
# Memory budget of a small VM, shared with the images and systemd (deploy/jvm/; JAVA_OPTS after it overrides).
[ -n "${MALLOC_ARENA_MAX:-}" ] || export "$(grep '^MALLOC_ARENA_MAX=' "$ROOT/deploy/jvm/native.env")"

# Build what is missing (a fresh clone has nothing built).
need_build=false
for m in keypool-service usage-service gateway-service; do [ -f "$(jar_of $m)" ] || need_build=true; done
ls "$ROOT"/local-db/target/local-db-*.jar >/dev/null 2>&1 || need_build=true
if $need_build; then
  echo "building (first run) ..."
  mvn -B -q -DskipTests package
fi

# Secrets: generated once into the data folder unless given (never printed except the tokens a local user needs).
secret_file() { # name, generator
  local f="$DATA_DIR/$1"
  [ -s "$f" ] || { (umask 077; eval "$2" > "$f"); }
  cat "$f"
}
export GEMINI_POOL_ENCRYPTION_KEY=${GEMINI_POOL_ENCRYPTION_KEY:-$(secret_file encryption.key 'head -c 32 /dev/urandom | base64')}
export GEMINI_POOL_ADMIN_TOKEN=${GEMINI_POOL_ADMIN_TOKEN:-$(secret_file admin.token 'head -c 24 /dev/urandom | base64 | tr -d "/+=" ')}
export GEMINI_POOL_CLIENT_TOKENS=${GEMINI_POOL_CLIENT_TOKENS:-$(secret_file client.token 'echo "gp-$(head -c 18 /dev/urandom | base64 | tr -d "/+=")"')}
export GEMINI_POOL_INTERNAL_TOKEN=${GEMINI_POOL_INTERNAL_TOKEN:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
export GEMINI_POOL_SPILL_DIR=${GEMINI_POOL_SPILL_DIR:-$DATA_DIR/spill}

# mariadbd outlives its JVM for a moment while it shuts down; a new one on the same data folder must not start
# before the old one has released it (it would hang at start).
wait_db_gone() {
  local i
  for ((i=0; i<120; i++)); do
    pgrep -f -- "--datadir=$DATA_DIR/mariadb/data" >/dev/null 2>&1 || return 0
    sleep 0.5
  done
  echo "a mariadbd on $DATA_DIR/mariadb/data is still running after 60 s" >&2
}

# The supervised processes: name → pid, in start order (stopped in reverse order).
declare -A PID=() STARTED_AT=() BACKOFF=() RESTARTS=()
NAMES=()
STOPPING=false
stop_all() {
  trap - INT TERM EXIT
  STOPPING=true
  echo; echo "stopping ..."
  # services first (they flush), the database last
  local i name
  for ((i=${#NAMES[@]}-1; i>=0; i--)); do
    name=${NAMES[$i]}
    kill -TERM "${PID[$name]}" 2>/dev/null || true
    wait "${PID[$name]}" 2>/dev/null || true
    rm -f "$RUN_DIR/$name.pid"
  done
  [ -n "${DB_STARTED:-}" ] && { stop_orphan_db; wait_db_gone; }
  echo "stopped"
  exit 0
}
trap stop_all INT TERM EXIT

# A mariadbd whose launcher JVM was killed (kill -9) keeps running without it: stop it, by the data folder that only
# the server this script started uses.
stop_orphan_db() {
  local pids
  pids=$(pgrep -f -- "--datadir=$DATA_DIR/mariadb/data" 2>/dev/null || true)
  [ -n "$pids" ] && kill -TERM $pids 2>/dev/null || true
}
db_server_running() { pgrep -f -- "--datadir=$DATA_DIR/mariadb/data" >/dev/null 2>&1; }

wait_for_line() { # file, pattern, seconds, pid
  local i
  for ((i=0; i<$3*2; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

launch() { # name: starts the process (log in $LOGS/<name>.log) and records its pid
  local name=$1
  case "$name" in
    mariadb)
      java @"$ROOT/deploy/jvm/local-db.options" -cp "$ROOT/local-db/target/lib/*:$(ls "$ROOT"/local-db/target/local-db-*.jar)" \
        org.geminipool.localdb.EmbeddedMariaDbMain "$DATA_DIR/mariadb" "$DB_PORT" > "$LOGS/mariadb.log" 2>&1 & ;;
    gemini-simulator)
      java -jar "$SIM_JAR" --port 8089 > "$LOGS/gemini-simulator.log" 2>&1 & ;;
    *)
      java @"$ROOT/deploy/jvm/common.options" @"$ROOT/deploy/jvm/$name.options" ${JAVA_OPTS:-} -jar "$(jar_of "$name")" \
        > "$LOGS/$name.log" 2>&1 & ;;
  esac
  PID[$name]=$!
  STARTED_AT[$name]=$SECONDS
  : "${BACKOFF[$name]:=1}"
  [[ " ${NAMES[*]} " == *" $name "* ]] || NAMES+=("$name")
  echo "${PID[$name]}" > "$RUN_DIR/$name.pid"
}

# Restarts a process that exited without being asked to: after a delay that doubles (1 s … 30 s) while it keeps dying
# within a minute of its start, and is back to 1 s once it has run for a minute. The log of the run that died is
# kept as <name>.log.1.
restart() { # name, exit code
  local name=$1 code=$2 ran=$((SECONDS - ${STARTED_AT[$1]}))
  (( ran >= 60 )) && BACKOFF[$name]=1
  local delay=${BACKOFF[$name]}
  BACKOFF[$name]=$(( delay * 2 > 30 ? 30 : delay * 2 ))
  RESTARTS[$name]=$(( ${RESTARTS[$name]:-0} + 1 ))
  echo "run.sh: $name exited unexpectedly (exit code $code, after ${ran} s); restart #${RESTARTS[$name]} in ${delay} s" \
    "(log of the run that died: $LOGS/$name.log.1)" >&2
  sleep "$delay" & wait $! || true
  [ -f "$LOGS/$name.log" ] && mv -f "$LOGS/$name.log" "$LOGS/$name.log.1"
  if [ "$name" = mariadb ]; then
    stop_orphan_db; wait_db_gone
    # still there after 60 s: a new server on the same data folder would hang at start
    db_server_running && { kill -KILL $(pgrep -f -- "--datadir=$DATA_DIR/mariadb/data") 2>/dev/null || true; sleep 1; }
  fi
  launch "$name"
  if [ "$name" = mariadb ] && ! wait_for_line "$LOGS/mariadb.log" READY 120 "${PID[mariadb]}"; then
    echo "run.sh: embedded MariaDB did not start again; see $LOGS/mariadb.log (will retry)" >&2
    return
  fi
  echo "run.sh: $name restarted (pid ${PID[$name]})" >&2
}

if [ -z "${GEMINI_POOL_DB_URL:-}" ]; then
  DB_PORT=${GEMINI_POOL_EMBEDDED_DB_PORT:-3307}
  wait_db_gone
  DB_STARTED=1
  echo "starting embedded MariaDB on 127.0.0.1:$DB_PORT (data: $DATA_DIR/mariadb, log: $LOGS/mariadb.log)"
  launch mariadb
  if ! wait_for_line "$LOGS/mariadb.log" READY 120 "${PID[mariadb]}"; then
    echo "embedded MariaDB did not start; see $LOGS/mariadb.log" >&2; exit 1
  fi
  export GEMINI_POOL_DB_URL="mysql://127.0.0.1:$DB_PORT" GEMINI_POOL_DB_USER=root GEMINI_POOL_DB_PASSWORD=
fi

if $DEMO; then
  SIM_JAR=$(ls "$ROOT"/gemini-simulator/target/gemini-simulator-*-runner.jar 2>/dev/null || ls "$ROOT"/gemini-simulator/target/gemini-simulator-*.jar | head -1)
  echo "starting gemini-simulator on 127.0.0.1:8089 (log: $LOGS/gemini-simulator.log)"
  launch gemini-simulator
  export GEMINI_BASE_URL=http://127.0.0.1:8089 OPENROUTER_BASE_URL=http://127.0.0.1:8089/api/v1
  export OPENROUTER_API_KEY=${OPENROUTER_API_KEY:-sim-openrouter-key}
fi

start_service() { # module
  echo "starting $1 (log: $LOGS/$1.log)"
  launch "$1"
}
start_service keypool-service
start_service usage-service
start_service gateway-service

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/q/health/ready"; }
for port in 8081 8082 8080; do
  for ((i=0; i<240; i++)); do ready $port && break; sleep 0.5; done
  ready $port || { echo "service on port $port is not ready after 120 s; see the logs in $LOGS" >&2; exit 1; }
done

if $DEMO && [ -x "$ROOT/scripts/demo-setup.sh" ]; then "$ROOT/scripts/demo-setup.sh"; fi

cat <<INFO
Gemini Pool is ready.
  gateway   http://127.0.0.1:8080   client token: $GEMINI_POOL_CLIENT_TOKENS
  keypool   http://127.0.0.1:8081   admin token:  (in $DATA_DIR/admin.token unless GEMINI_POOL_ADMIN_TOKEN was set)
  usage     http://127.0.0.1:8082
  logs      $LOGS
Import keys:  curl -H "Authorization: Bearer \$(cat $DATA_DIR/admin.token)" -H 'Content-Type: text/plain' \\
                --data-binary @keys.txt 'http://127.0.0.1:8081/admin/keys/import?pool=flash-lite'
Press Ctrl-C to stop.
INFO

# Supervise until Ctrl-C / SIGTERM (the trap stops everything): a process that is gone is restarted; so is the
# embedded database when its server process died under a launcher that is still running.
while true; do
  for name in "${NAMES[@]}"; do
    pid=${PID[$name]}
    if kill -0 "$pid" 2>/dev/null; then
      if [ "$name" = mariadb ] && ! db_server_running; then
        echo "run.sh: the embedded MariaDB server is gone under its launcher (pid $pid); restarting it" >&2
        kill -TERM "$pid" 2>/dev/null || true
      else
        continue
      fi
    fi
    code=0
    wait "$pid" 2>/dev/null || code=$?
    $STOPPING || restart "$name" "$code"
  done
  sleep 1 & wait $! || true
done
