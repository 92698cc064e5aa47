#!/usr/bin/env bash
# Lease throughput of keypool-service: one replica, then two, over one MariaDB (default 127.0.0.1:3306).
# Usage: bench/keypool/run.sh [seconds=20] [concurrency=32]   (needs: mvn -pl keypool-service package -DskipTests)
# Each run is bounded: 3 s warm-up + <seconds> of load (max 60). Prints leases/s and p50/p99 latency.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-20}
CONCURRENCY=${2:-32}
[ "$SECONDS_RUN" -le 60 ] || { echo "at most 60 s per run"; exit 1; }
DB_URL=${GEMINI_POOL_DB_URL:-mysql://127.0.0.1:3306}
DB_HOSTPORT=${DB_URL#mysql://}
DB_HOST=${DB_HOSTPORT%:*}
DB_PORT=${DB_HOSTPORT#*:}
DB_USER=${GEMINI_POOL_DB_USER:-root}
DB_NAME=gp_bench_keypool
JAR=keypool-service/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "$JAR missing: mvn -B -pl keypool-service package -DskipTests"; exit 1; }
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

start_replica 18081
# 200 keys in 200 projects, and a model whose limits are never reached: the bench measures the lease path.
python3 - > "$LOGS/keys.txt" <<'PY'
import random, string
alphabet = string.ascii_letters + string.digits + "_-"
for i in range(200):
    print("AIza" + "".join(random.choice(alphabet) for _ in range(35)) + f" project=bench-{i}")
PY
curl -fs -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'Content-Type: text/plain' --data-binary @"$LOGS/keys.txt" \
  "http://127.0.0.1:18081/admin/keys/import?pool=bench"
curl -fs -o /dev/null -X PUT -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"rpm":100000000,"rpd":1000000000}' http://127.0.0.1:18081/admin/quotas/bench-model

echo "== one replica"
java bench/keypool/LeaseBench.java "$SECONDS_RUN" "$CONCURRENCY" "$TOKEN" bench-model http://127.0.0.1:18081
start_replica 18082
echo "== two replicas"
java bench/keypool/LeaseBench.java "$SECONDS_RUN" "$CONCURRENCY" "$TOKEN" bench-model http://127.0.0.1:18081 http://127.0.0.1:18082
