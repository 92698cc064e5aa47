#!/usr/bin/env bash
# Memory budget check (deploy/README.md "Memory budget"): starts the stack as run.sh does — embedded MariaDB with the
# small-VM profile (deploy/mysql/small-vm.cnf), keypool, usage and gateway with the JVM settings of deploy/jvm/ — next
# to the gemini-simulator, applies mixed client load through the gateway, and reports the resident memory (RSS) of each
# process, sampled during the run.
#
# Usage: bench/memory/run.sh [--seconds N] [--rate R] [--conns C]
#   --seconds N   load duration (default 600 = the budget's 10 minutes; at most 3600)
#   --rate R      requests/s, paced (default 50)
#   --conns C     client connections (default 8)
# Env: BENCH_SRC (where the packaged jars are; default this checkout), JAVA_OPTS (appended after deploy/jvm, as in
#      run.sh), BENCH_SAMPLE_EVERY (seconds between RSS samples, default 5).
# Everything listens on 127.0.0.1 (ports 18289-18282, 13317) and is stopped on exit. Keys are generated fakes.
# Writes bench/memory/results/<timestamp>.md (git-ignored) and prints it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SRC=$(cd "${BENCH_SRC:-$ROOT}" && pwd)

SECS=600; RATE=50; CONNS=8
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ "$SECS" -ge 10 ] && [ "$SECS" -le 3600 ] || { echo "--seconds must be 10..3600" >&2; exit 2; }
EVERY=${BENCH_SAMPLE_EVERY:-5}
SIM_PORT=18289; GW_PORT=18280; KP_PORT=18281; US_PORT=18282; DB_PORT=13317

. "$HERE/../lib.sh"
bench_install wrk
bench_require_jars "$SRC"

bench_start memory

# ---- the stack, with run.sh's settings ----------------------------------------------------------------------------
[ -n "${MALLOC_ARENA_MAX:-}" ] || export "$(grep '^MALLOC_ARENA_MAX=' "$ROOT/deploy/jvm/native.env")"
cd "$SRC"   # the argument files name deploy/mysql/small-vm.cnf relative to the checkout, as under run.sh
echo "starting embedded MariaDB on 127.0.0.1:$DB_PORT (small-VM profile)"
java @"$ROOT/deploy/jvm/local-db.options" -Dgemini-pool.local-db.options-file="$ROOT/deploy/mysql/small-vm.cnf" \
  -cp "$SRC/local-db/target/lib/*:$(ls "$SRC"/local-db/target/local-db-*.jar)" \
  org.geminipool.localdb.EmbeddedMariaDbMain "$WORK/mariadb" "$DB_PORT" > "$LOGS/mariadb.log" 2>&1 &
PIDS+=($!); DBJVM_PID=$!
for ((i=0; i<240; i++)); do grep -q READY "$LOGS/mariadb.log" 2>/dev/null && break; sleep 0.5; done
grep -q READY "$LOGS/mariadb.log" || { echo "embedded MariaDB did not start; $LOGS/mariadb.log" >&2; exit 1; }
DB_PID=$(pgrep -f -- "--datadir=$WORK/mariadb/data" | head -1)

rnd() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c "$1"; }
export GEMINI_POOL_DB_URL=mysql://127.0.0.1:$DB_PORT GEMINI_POOL_DB_USER=root GEMINI_POOL_DB_PASSWORD=
export GEMINI_POOL_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export GEMINI_POOL_ADMIN_TOKEN=bench-admin-$(rnd 16) GEMINI_POOL_INTERNAL_TOKEN=bench-internal-$(rnd 16)
CLIENT_TOKEN=gp-bench-$(rnd 20)
SIM=http://127.0.0.1:$SIM_PORT

echo "starting gemini-simulator on 127.0.0.1:$SIM_PORT"
java -Xmx256m -jar "$SIM_JAR" --port $SIM_PORT --host 127.0.0.1 > "$LOGS/simulator.log" 2>&1 &
PIDS+=($!); SIM_PID=$!
wait_http "$SIM/_sim/health" 60 $SIM_PID simulator

start_service() { # module port env...
  local m=$1 p=$2; shift 2
  # shellcheck disable=SC2086  # JAVA_OPTS holds several options, as in run.sh
  env "$@" QUARKUS_HTTP_PORT=$p QUARKUS_HTTP_HOST=127.0.0.1 \
    java @"$ROOT/deploy/jvm/common.options" @"$ROOT/deploy/jvm/$m.options" ${JAVA_OPTS:-} \
    -jar "$SRC/$m/target/quarkus-app/quarkus-run.jar" > "$LOGS/$m.log" 2>&1 &
  PIDS+=($!)
}
echo "starting keypool :$KP_PORT, usage :$US_PORT, gateway :$GW_PORT"
bench_start_stack

# ---- fake keys in the pools the built-in routes use ---------------------------------------------------------------
QUOTA='{"rpm":10000000,"rpd":1000000000}'
import=""
i=0
for pool in flash-lite flash-lite flash-lite flash-lite pro pro embedding embedding; do
  key="AIza$(head -c 64 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | head -c 35)"
  curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"apiKey\":\"$key\",\"project\":\"mem-$i\"}" "$SIM/_sim/keys"
  for model in gemini-3.5-flash-lite gemini-3.1-flash-lite gemini-3.8-flash gemini-4-argon gemini-3.1-pro-preview gemini-embedding-001; do
    curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' -d "$QUOTA" "$SIM/_sim/projects/mem-$i/quotas/$model"
  done
  import+="$key pool=$pool project=mem-$i"$'\n'
  i=$((i + 1))
done
AUTH="Authorization: Bearer $GEMINI_POOL_ADMIN_TOKEN"
curl -fsS -o /dev/null -H "$AUTH" -H 'Content-Type: text/plain' --data-binary "$import" "http://127.0.0.1:$KP_PORT/admin/keys/import"
for model in gemini-3.5-flash-lite gemini-3.1-flash-lite gemini-3.8-flash gemini-4-argon gemini-3.1-pro-preview gemini-embedding-001; do
  curl -fsS -o /dev/null -X PUT -H "$AUTH" -H 'Content-Type: application/json' -d "$QUOTA" \
    "http://127.0.0.1:$KP_PORT/admin/quotas/$model"
done
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' -d '{"fixedMs":20,"perChunkMs":5}' "$SIM/_sim/latency"

# every request of the mix must succeed before anything is measured
GW=http://127.0.0.1:$GW_PORT
while IFS='|' read -r name method path body; do
  code=$(curl -s -o "$WORK/probe-$name.out" -w '%{http_code}' -X "$method" -H "x-goog-api-key: $CLIENT_TOKEN" \
    -H 'Content-Type: application/json' ${body:+-d "$body"} "$GW$path")
  [ "$code" = 200 ] || { echo "$name answered $code: $(head -c 300 "$WORK/probe-$name.out")" >&2; exit 1; }
done < "$HERE/requests.txt"

# ---- load and samples ---------------------------------------------------------------------------------------------
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# PSS: resident memory with pages shared between processes (libjvm.so, the JDK's class data archive) divided among
# them; the sum of PSS is what the processes take from the machine, the sum of RSS counts shared pages repeatedly.
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
NAMES=(gateway keypool usage mariadbd local-db-jvm simulator)
PIDOF=([0]=$GW_PID [1]=$KP_PID [2]=$US_PID [3]=$DB_PID [4]=$DBJVM_PID [5]=$SIM_PID)
declare -A PEAK START PSS_PEAK
for n in "${!NAMES[@]}"; do START[$n]=$(rss_kb "${PIDOF[$n]}"); PEAK[$n]=${START[$n]}; PSS_PEAK[$n]=0; done
echo "load: ${SECS} s at $RATE req/s over $CONNS connections (mix: bench/memory/requests.txt); RSS every ${EVERY} s"
WRK_REQUESTS=$HERE/requests.txt WRK_TOKEN=$CLIENT_TOKEN WRK_RATE=$RATE WRK_CONNS=$CONNS \
  timeout $((SECS + 60)) wrk -t1 -c"$CONNS" -d"${SECS}s" --timeout 10s -s "$HERE/mix.lua" "$GW" > "$LOGS/wrk.txt" 2>&1 &
WRK_PID=$!
: > "$WORK/samples.tsv"
while kill -0 $WRK_PID 2>/dev/null; do
  sleep "$EVERY"
  line="$(date +%s)"
  for n in "${!NAMES[@]}"; do
    r=$(rss_kb "${PIDOF[$n]}"); p=$(pss_kb "${PIDOF[$n]}"); line+=$'\t'$r/$p
    [ "$r" -gt "${PEAK[$n]}" ] && PEAK[$n]=$r
    [ "$p" -gt "${PSS_PEAK[$n]}" ] && PSS_PEAK[$n]=$p
  done
  echo "$line" >> "$WORK/samples.tsv"
done
wait $WRK_PID || true
sleep 5   # usage batches in flight land
declare -A END PSS_END
for n in "${!NAMES[@]}"; do END[$n]=$(rss_kb "${PIDOF[$n]}"); PSS_END[$n]=$(pss_kb "${PIDOF[$n]}"); done
RESULT=$(grep '^RESULT' "$LOGS/wrk.txt" | tail -1 || true)
[ -n "$RESULT" ] || { echo "wrk produced no result:"; cat "$LOGS/wrk.txt"; exit 1; }
GW_REQS=$(curl -fsS "$GW/q/metrics" | grep '^gemini_pool_requests_total' | sed 's/^/    /' || true)
EVENTS=$(curl -fsS "http://127.0.0.1:$US_PORT/q/metrics" | grep '^gemini_pool_usage_events_accepted_total' || true)
# the metric names each service exports after real traffic (deploy-check's dashboard test keeps a copy)
TS=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$HERE/results"
for s in gateway:$GW_PORT keypool:$KP_PORT usage:$US_PORT; do
  curl -fsS "http://127.0.0.1:${s#*:}/q/metrics" | grep -v '^#' | sed 's/[{ ].*//' | sort -u > "$HERE/results/$TS-metrics-${s%%:*}.txt" || true
done

# ---- report -------------------------------------------------------------------------------------------------------
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
REPORT=$HERE/results/$TS.md
{
  echo "# Memory benchmark $TS"
  echo
  echo "Command: \`bench/memory/run.sh --seconds $SECS --rate $RATE --conns $CONNS\`" \
    "(checkout $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?'), JAVA_OPTS=${JAVA_OPTS:-none}," \
    "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX)."
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo);" \
    "$(java -version 2>&1 | head -1). Simulator latency 20 ms + 5 ms per streamed chunk."
  echo
  echo "wrk: ${RESULT#RESULT }"
  echo
  echo "| process | RSS at start MB | RSS peak MB | RSS at end MB | PSS peak MB | PSS at end MB |"
  echo "|---|---|---|---|---|---|"
  total_peak=0; total_end=0; pss_peak=0; pss_end=0
  for n in "${!NAMES[@]}"; do
    echo "| ${NAMES[$n]} | $(mb "${START[$n]}") | $(mb "${PEAK[$n]}") | $(mb "${END[$n]}") | $(mb "${PSS_PEAK[$n]}") | $(mb "${PSS_END[$n]}") |"
    if [ "$n" -le 3 ]; then
      total_peak=$((total_peak + PEAK[$n])); total_end=$((total_end + END[$n]))
      pss_peak=$((pss_peak + PSS_PEAK[$n])); pss_end=$((pss_end + PSS_END[$n]))
    fi
  done
  echo "| **three services + mariadbd** | | **$(mb $total_peak)** (sum of peaks) | **$(mb $total_end)** | **$(mb $pss_peak)** | **$(mb $pss_end)** |"
  echo
  echo "local-db-jvm is run.sh's supervisor of the embedded mariadbd (not present under docker compose or systemd);"
  echo "the simulator stands in for Google and is not part of the stack."
  echo
  echo "Gateway request counters:"
  echo "$GW_REQS"
  echo
  echo "usage-service: $EVENTS"
} > "$REPORT"
echo
cat "$REPORT"
echo
echo "written to $REPORT (samples: $WORK/samples.tsv)"
