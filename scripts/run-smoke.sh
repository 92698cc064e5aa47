#!/usr/bin/env bash
# Checks the run command as a newcomer uses it: no database configured, so run.sh starts the embedded MariaDB;
# all three services become ready; a service killed with kill -9 is restarted by run.sh and ready again while the
# others stay up (round 1), so is the embedded database (round 2); Ctrl-C (SIGINT) stops everything; a second start
# reuses the same data folder.
set -euo pipefail
# Job control: background jobs get their own process group and keep SIGINT (a non-interactive shell would start
# them with SIGINT ignored, and an ignored signal cannot be trapped), so "kill -INT -pgid" is what Ctrl-C does.
set -m
cd "$(dirname "$0")/.."
unset GEMINI_POOL_DB_URL GEMINI_POOL_DB_USER GEMINI_POOL_DB_PASSWORD
export GEMINI_POOL_DATA_DIR=${RUN_SMOKE_DATA_DIR:-$(mktemp -d /tmp/gemini-pool-run-smoke.XXXXXX)}
export GEMINI_POOL_EMBEDDED_DB_PORT=${RUN_SMOKE_DB_PORT:-3317}

RUN_PID=
cleanup() { # never leave services behind, even when a check fails
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
    kill -INT -- "-$RUN_PID" 2>/dev/null || true
    for ((j=0; j<60; j++)); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$RUN_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
fail() {
  echo "run-smoke: FAIL: $*" >&2
  for f in "$GEMINI_POOL_DATA_DIR"/logs/*.log; do echo "--- tail of $f" >&2; tail -n 30 "$f" >&2; done
  exit 1
}

ready() { curl -fsS -o /dev/null "http://127.0.0.1:$1/q/health/ready" 2>/dev/null; }

await_ready() { # port, seconds, what
  local i
  for ((i=0; i<$2*2; i++)); do ready "$1" && return 0; sleep 0.5; done
  fail "$3: port $1 not ready within $2 s"
}

# kill -9 of one supervised process (its pid from run.sh's pid file); run.sh must log it, restart it, and it must be
# ready again within a bound, the other services never down meanwhile.
kill_and_await_restart() { # name, port to await, log of run.sh
  local name=$1 port=$2 log=$3 pid
  pid=$(cat "$GEMINI_POOL_DATA_DIR/run/$name.pid") || fail "no pid file for $name"
  kill -KILL "$pid"
  local i
  for ((i=0; i<120; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  for ((i=0; i<240; i++)); do grep -q "run.sh: $name restarted" "$log" && break; sleep 0.5; done
  grep -q "run.sh: $name exited unexpectedly" "$log" || { tail -n 40 "$log"; fail "run.sh did not notice $name die"; }
  grep -q "run.sh: $name restarted" "$log" || { tail -n 40 "$log"; fail "run.sh did not restart $name within 120 s"; }
  [ "$(cat "$GEMINI_POOL_DATA_DIR/run/$name.pid")" != "$pid" ] || fail "$name has the same pid after its restart"
  await_ready "$port" 120 "$name after kill -9"
  echo "run-smoke: $name killed with kill -9 came back"
}

run_once() { # round number
  local log="$GEMINI_POOL_DATA_DIR/run-$1.out"
  ./run.sh > "$log" 2>&1 &
  local pid=$!
  RUN_PID=$pid
  local i
  for ((i=0; i<360; i++)); do
    grep -q "Gemini Pool is ready" "$log" && break
    kill -0 $pid 2>/dev/null || { tail -n 40 "$log"; fail "run.sh exited early (round $1)"; }
    sleep 0.5
  done
  grep -q "Gemini Pool is ready" "$log" || { tail -n 40 "$log"; fail "not ready within 180 s (round $1)"; }
  for port in 8080 8081 8082; do
    curl -fsS "http://127.0.0.1:$port/q/health/ready" > /dev/null || fail "port $port not ready"
  done
  if [ "$1" = 1 ]; then
    kill_and_await_restart usage-service 8082 "$log"
    # the others were not taken down with it
    ready 8081 || fail "keypool went down with usage-service"
    ready 8080 || fail "the gateway went down with usage-service"
  else
    # the embedded database's launcher: its server is stopped and started again; the services reconnect
    kill_and_await_restart mariadb 8081 "$log"
    await_ready 8082 120 "usage-service after the database restart"
  fi
  kill -INT -- "-$pid"
  for ((i=0; i<120; i++)); do kill -0 $pid 2>/dev/null || break; sleep 0.5; done
  kill -0 $pid 2>/dev/null && fail "run.sh did not stop within 60 s of SIGINT"
  for port in 8080 8081 8082 "$GEMINI_POOL_EMBEDDED_DB_PORT"; do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && fail "port $port still open after stop"
  done
  grep -q "^stopped" "$log" || fail "run.sh did not report a clean stop"
  echo "run-smoke: round $1 ok"
}

run_once 1
key1=$(cat "$GEMINI_POOL_DATA_DIR/encryption.key")
run_once 2
[ "$key1" = "$(cat "$GEMINI_POOL_DATA_DIR/encryption.key")" ] || fail "encryption key changed between runs"
# The second start found its schema in the kept data folder: nothing left to migrate.
grep -q "0 migration(s) applied now" "$GEMINI_POOL_DATA_DIR/logs/keypool-service.log" \
  || fail "second start did not reuse the embedded database's data"
echo "run-smoke: PASS (data folder $GEMINI_POOL_DATA_DIR reused)"
rm -rf "$GEMINI_POOL_DATA_DIR"
