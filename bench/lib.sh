# Shared by bench/*/run.sh (sourced): the tools, the packaged jars and the processes a benchmark starts.

# Debian packages whose commands are missing (the command and the package have the same name).
bench_install() {
  local missing=() p
  for p in "$@"; do command -v "$p" >/dev/null || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]} (Debian packages) ..."
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
  else
    sudo apt-get install -y "${missing[@]}" >/dev/null
  fi
}

# The simulator and service jars of the checkout $1 (sets SIM_JAR); stops with a hint when they are not built.
bench_require_jars() {
  SIM_JAR=$1/gemini-simulator/target/gemini-simulator-1.0.0-SNAPSHOT.jar
  local f
  for f in "$SIM_JAR" "$1"/{keypool,usage,gateway}-service/target/quarkus-app/quarkus-run.jar; do
    [ -f "$f" ] || { echo "$f missing: (cd $1 && mvn -B -q package -DskipTests)" >&2; exit 1; }
  done
}

# Everything the benchmark started goes into PIDS; bench_stop_all stops it, the last started first (SIGTERM, then
# SIGKILL after 20 s).
PIDS=()
bench_stop_all() {
  local i
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do
    for _ in $(seq 1 80); do kill -0 "${PIDS[$i]}" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "${PIDS[$i]}" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}

# wait_http URL SECONDS PID NAME: until URL answers 2xx; exits when PID dies or time is up (logs in $LOGS).
wait_http() {
  local i
  for ((i=0; i<$2*4; i++)); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || { echo "$4 exited; log in $LOGS" >&2; exit 1; }
    sleep 0.25
  done
  echo "$4 not ready after $2 s; log in $LOGS" >&2; exit 1
}

# bench_start NAME: a work folder /tmp/gp-bench-NAME.* (WORK, with the logs in LOGS), and on exit everything in PIDS
# stopped, then bench_after_stop if the script defines it.
bench_start() {
  WORK=$(mktemp -d "/tmp/gp-bench-$1.XXXXXX")
  LOGS=$WORK/logs
  mkdir -p "$LOGS"
  trap bench_exit EXIT
  trap 'exit 130' INT TERM
}
bench_exit() {
  trap - EXIT INT TERM
  bench_stop_all
  if declare -F bench_after_stop >/dev/null; then bench_after_stop; fi
  echo "stopped everything started by the bench (logs: $LOGS)"
}

# bench_start_stack [ENV...]: keypool (with ENV), usage and gateway on KP_PORT, US_PORT and GW_PORT, wired to each
# other and to the simulator at SIM, each started with the script's own start_service MODULE PORT ENV...; sets
# KP_PID, US_PID and GW_PID and returns once all three are ready.
bench_start_stack() {
  start_service keypool-service "$KP_PORT" GEMINI_BASE_URL="$SIM" "$@"; KP_PID=${PIDS[-1]}
  start_service usage-service "$US_PORT"; US_PID=${PIDS[-1]}
  start_service gateway-service "$GW_PORT" GEMINI_BASE_URL="$SIM" OPENROUTER_BASE_URL="$SIM/api/v1" \
    GEMINI_POOL_CLIENT_TOKENS="$CLIENT_TOKEN" GEMINI_POOL_KEYPOOL_URL="http://127.0.0.1:$KP_PORT" \
    GEMINI_POOL_USAGE_URL="http://127.0.0.1:$US_PORT" GEMINI_POOL_SPILL_DIR="$WORK/spill"; GW_PID=${PIDS[-1]}
  wait_http "http://127.0.0.1:$KP_PORT/q/health/ready" 180 "$KP_PID" keypool-service
  wait_http "http://127.0.0.1:$US_PORT/q/health/ready" 180 "$US_PID" usage-service
  wait_http "http://127.0.0.1:$GW_PORT/q/health/ready" 180 "$GW_PID" gateway-service
}
