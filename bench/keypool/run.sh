#!/usr/bin/env bash
# Lease throughput of keypool-service over one MariaDB (default 127.0.0.1:3306).
# Usage: bench/keypool/run.sh [seconds=20] [concurrency=32] [keys=200] [projects=keys] [replicas=2] [jar]
#   (needs: mvn -B -pl keypool-service -am package -DskipTests). jar defaults to this tree's packaged service; pass
#   another tree's keypool-service/target/quarkus-app/quarkus-run.jar to measure a baseline in the same run.
# Each run is bounded: 3 s warm-up + <seconds> of load (max 60). Prints leases/s, p50/p99 latency and the CPU time the
# keypool process(es) and the database used per 1000 leases (from /proc/<pid>/stat, utime + stime).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-20}
CONCURRENCY=${2:-32}
KEYS=${3:-200}
PROJECTS=${4:-$KEYS}
REPLICAS=${5:-2}
JAR=${6:-keypool-service/target/quarkus-app/quarkus-run.jar}
[ "$SECONDS_RUN" -le 60 ] || { echo "at most 60 s per run"; exit 1; }
[ "$KEYS" -le 20000 ] || { echo "at most 20000 keys"; exit 1; }
DB_URL=${GEMINI_POOL_DB_URL:-mysql://127.0.0.1:3306}
DB_HOSTPORT=${DB_URL#mysql://}
DB_HOST=${DB_HOSTPORT%:*}
DB_PORT=${DB_HOSTPORT#*:}
DB_USER=${GEMINI_POOL_DB_USER:-root}
DB_NAME=gp_bench_keypool
[ -f "$JAR" ] || { echo "$JAR missing: mvn -B -pl keypool-service -am package -DskipTests"; exit 1; }
TOKEN=bench-internal
ADMIN=bench-admin
KEY=$(head -c 32 /dev/urandom | base64)
LOGS=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mariadb -h"$DB_HOST" -P"$DB_PORT" -u"$DB_USER" ${GEMINI_POOL_DB_PASSWORD:+-p"$GEMINI_POOL_DB_PASSWORD"} \
  -e "DROP DATABASE IF EXISTS $DB_NAME; CREATE DATABASE $DB_NAME"

start_replica() { # port
  GEMINI_POOL_DB_URL=$DB_URL GEMINI_POOL_KEYPOOL_DB_NAME=$DB_NAME GEMINI_POOL_INTERNAL_TOKEN=$TOKEN \
  GEMINI_POOL_ADMIN_TOKEN=$ADMIN GEMINI_POOL_ENCRYPTION_KEY=$KEY GEMINI_POOL_REVALIDATE_EVERY=off \
    java -Xmx512m -Dquarkus.http.port="$1" -Dquarkus.log.level=WARN -jar "$JAR" > "$LOGS/keypool-$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "replica on $1 not ready; log: $LOGS/keypool-$1.log"; exit 1
}

# CPU ticks (utime + stime) of the given pids summed; the database server is found by name once.
DB_PID=$(pgrep -o -x mariadbd || pgrep -o -x mysqld || true)
ticks() { local t=0; for p in "$@"; do [ -n "$p" ] && [ -r "/proc/$p/stat" ] && \
  t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
HZ=$(getconf CLK_TCK)

run() { # label urls...
  local label=$1; shift
  local before_kp before_db out leases
  before_kp=$(ticks "${PIDS[@]}"); before_db=$(ticks "$DB_PID")
  out=$(java bench/keypool/LeaseBench.java "$SECONDS_RUN" "$CONCURRENCY" "$TOKEN" bench-model "$@")
  local kp=$(( $(ticks "${PIDS[@]}") - before_kp )) db=$(( $(ticks "$DB_PID") - before_db ))
  leases=$(echo "$out" | sed -n 's/.*leases\/s=\([0-9]*\).*/\1/p')
  echo "== $label keys=$KEYS projects=$PROJECTS: $out"
  # The ticks include the 3 s warm-up: CPU per 1000 leases over warm-up + measured time, leases counted likewise.
  awk -v kp="$kp" -v db="$db" -v hz="$HZ" -v l="$leases" -v s="$SECONDS_RUN" 'BEGIN {
    n = l * (s + 3); if (n > 0) printf "   cpu per 1000 leases: keypool %.1f ms, database %.1f ms\n",
    kp * 1000 / hz * 1000 / n, db * 1000 / hz * 1000 / n }'
}

start_replica 18081
# KEYS keys in PROJECTS projects, and a model whose limits are never reached: the bench measures the lease path.
python3 - "$KEYS" "$PROJECTS" > "$LOGS/keys.txt" <<'PY'
import random, string, sys
keys, projects = int(sys.argv[1]), int(sys.argv[2])
alphabet = string.ascii_letters + string.digits + "_-"
for i in range(keys):
    print("AIza" + "".join(random.choice(alphabet) for _ in range(35)) + f" project=bench-{i % projects}")
PY
curl -fs -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'Content-Type: text/plain' --data-binary @"$LOGS/keys.txt" \
  "http://127.0.0.1:18081/admin/keys/import?pool=bench"
curl -fs -o /dev/null -X PUT -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"rpm":100000000,"rpd":1000000000}' http://127.0.0.1:18081/admin/quotas/bench-model

[ -n "${BENCH_STATS:-}" ] && $BENCH_STATS
run "one replica" http://127.0.0.1:18081
[ -n "${BENCH_STATS:-}" ] && $BENCH_STATS
if [ "$REPLICAS" -ge 2 ]; then
  start_replica 18082
  run "two replicas" http://127.0.0.1:18081 http://127.0.0.1:18082
fi
