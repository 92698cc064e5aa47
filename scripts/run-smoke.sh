#!/usr/bin/env bash
# Checks the run command as a newcomer uses it: no database configured, so run.sh starts the embedded MariaDB;
# all three services become ready; Ctrl-C (SIGINT) stops everything; a second start reuses the same data folder.
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
