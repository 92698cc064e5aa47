#!/usr/bin/env bash
# Starts Gemini Pool on this machine: keypool (8081), usage (8082), gateway (8080).
# With GEMINI_POOL_DB_URL unset it also starts an embedded MariaDB whose data lives under $GEMINI_POOL_DATA_DIR.
# Ctrl-C stops everything this script started. Usage: ./run.sh [--demo]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

DEMO=false
for arg in "$@"; do
  case "$arg" in
    --demo) DEMO=true ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

DATA_DIR=${GEMINI_POOL_DATA_DIR:-$ROOT/data}
mkdir -p "$DATA_DIR/logs"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
LOGS=$DATA_DIR/logs

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

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "stopping ..."
  # services first (they flush), the database last
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; wait "${PIDS[$i]}" 2>/dev/null || true; done
  [ -n "${DB_STARTED:-}" ] && wait_db_gone
  echo "stopped"
  exit 0
}
trap stop_all INT TERM EXIT

wait_for_line() { # file, pattern, seconds, pid
  local i
  for ((i=0; i<$3*2; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

if [ -z "${GEMINI_POOL_DB_URL:-}" ]; then
  DB_PORT=${GEMINI_POOL_EMBEDDED_DB_PORT:-3307}
  wait_db_gone
  DB_STARTED=1
  echo "starting embedded MariaDB on 127.0.0.1:$DB_PORT (data: $DATA_DIR/mariadb, log: $LOGS/mariadb.log)"
  java @"$ROOT/deploy/jvm/local-db.options" -cp "$ROOT/local-db/target/lib/*:$(ls "$ROOT"/local-db/target/local-db-*.jar)" \
    org.geminipool.localdb.EmbeddedMariaDbMain "$DATA_DIR/mariadb" "$DB_PORT" > "$LOGS/mariadb.log" 2>&1 &
  PIDS+=($!)
  if ! wait_for_line "$LOGS/mariadb.log" READY 120 "${PIDS[-1]}"; then
    echo "embedded MariaDB did not start; see $LOGS/mariadb.log" >&2; exit 1
  fi
  export GEMINI_POOL_DB_URL="mysql://127.0.0.1:$DB_PORT" GEMINI_POOL_DB_USER=root GEMINI_POOL_DB_PASSWORD=
fi

if $DEMO; then
  SIM_JAR=$(ls "$ROOT"/gemini-simulator/target/gemini-simulator-*-runner.jar 2>/dev/null || ls "$ROOT"/gemini-simulator/target/gemini-simulator-*.jar | head -1)
  echo "starting gemini-simulator on 127.0.0.1:8089 (log: $LOGS/gemini-simulator.log)"
  java -jar "$SIM_JAR" --port 8089 > "$LOGS/gemini-simulator.log" 2>&1 &
  PIDS+=($!)
  export GEMINI_BASE_URL=http://127.0.0.1:8089 OPENROUTER_BASE_URL=http://127.0.0.1:8089/api/v1
  export OPENROUTER_API_KEY=${OPENROUTER_API_KEY:-sim-openrouter-key}
fi

start_service() { # module
  echo "starting $1 (log: $LOGS/$1.log)"
  java @"$ROOT/deploy/jvm/common.options" @"$ROOT/deploy/jvm/$1.options" ${JAVA_OPTS:-} -jar "$(jar_of "$1")" > "$LOGS/$1.log" 2>&1 &
  PIDS+=($!)
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
wait -n "${PIDS[@]}" || true
echo "a process exited; see $LOGS" >&2
