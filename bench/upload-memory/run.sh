#!/usr/bin/env bash
# Upload memory check (gateway-service README "Pass-through and affinity"): a resumable upload of SIZE MB through a
# gateway started with a HEAP MB heap (-Xmx), sent as ONE chunk (upload, finalize) so that a gateway that buffered the
# body would need the whole file in its heap. Reports the gateway's heap used before and after each upload and its
# peak RSS, for two sizes, so the growth with file size can be read off.
#
# Usage: bench/upload-memory/run.sh [--sizes "20 200"] [--heap 128]
# Needs the packaged jars (mvn -B -q package -DskipTests) and a MariaDB on 127.0.0.1:3306 (root, no password) or
# GEMINI_POOL_DB_URL/_USER/_PASSWORD. Everything listens on 127.0.0.1 (ports 18389-18382) and is stopped on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SRC=$(cd "${BENCH_SRC:-$ROOT}" && pwd)
SIZES="20 200"; HEAP=128
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for s in $SIZES; do [ "$s" -ge 1 ] && [ "$s" -le 2048 ] || { echo "sizes are 1..2048 MB" >&2; exit 2; }; done
SIM_PORT=18389; GW_PORT=18380; KP_PORT=18381; US_PORT=18382

. "$HERE/../lib.sh"
bench_require_jars "$SRC"
bench_start upload-memory

rnd() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n' | head -c "$1"; }
RUN=$(rnd 6 | tr 'A-Z' 'a-z')
export GEMINI_POOL_DB_URL=${GEMINI_POOL_DB_URL:-mysql://127.0.0.1:3306} GEMINI_POOL_DB_USER=${GEMINI_POOL_DB_USER:-root}
export GEMINI_POOL_DB_PASSWORD=${GEMINI_POOL_DB_PASSWORD:-}
export GEMINI_POOL_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
export GEMINI_POOL_ADMIN_TOKEN=bench-admin-$(rnd 16) GEMINI_POOL_INTERNAL_TOKEN=bench-internal-$(rnd 16)
export GEMINI_POOL_KEYPOOL_DB_NAME=gp_bench_upload_kp_$RUN GEMINI_POOL_USAGE_DB_NAME=gp_bench_upload_us_$RUN
CLIENT_TOKEN=gp-bench-$(rnd 20)
SIM=http://127.0.0.1:$SIM_PORT

java -Xmx256m -jar "$SIM_JAR" --port $SIM_PORT --host 127.0.0.1 > "$LOGS/simulator.log" 2>&1 &
PIDS+=($!); SIM_PID=$!
wait_http "$SIM/_sim/health" 60 $SIM_PID simulator

start_service() { # module port env...
  local m=$1 p=$2 opts=""; shift 2
  [ "$m" = gateway-service ] && opts="-Xmx${HEAP}m -Xms${HEAP}m"
  # shellcheck disable=SC2086
  env "$@" QUARKUS_HTTP_PORT=$p QUARKUS_HTTP_HOST=127.0.0.1 java $opts \
    -jar "$SRC/$m/target/quarkus-app/quarkus-run.jar" > "$LOGS/$m.log" 2>&1 &
  PIDS+=($!)
}
echo "starting keypool :$KP_PORT, usage :$US_PORT, gateway :$GW_PORT (-Xmx${HEAP}m)"
bench_start_stack

key="AIza$(head -c 64 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | head -c 35)"
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d "{\"apiKey\":\"$key\",\"project\":\"upload-bench\"}" "$SIM/_sim/keys"
curl -fsS -o /dev/null -H "Authorization: Bearer $GEMINI_POOL_ADMIN_TOKEN" -H 'Content-Type: text/plain' \
  --data-binary "$key pool=default project=upload-bench" "http://127.0.0.1:$KP_PORT/admin/keys/import"
GW=http://127.0.0.1:$GW_PORT

heap_used_kb() { # after a full GC: what the gateway holds
  jcmd "$GW_PID" GC.run >/dev/null 2>&1 || true
  jcmd "$GW_PID" GC.heap_info 2>/dev/null | awk '/garbage-first heap|def new generation|PSYoungGen|total/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); gsub(/K,?/, "", v); print v; exit } }'
}
rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

RESULTS=""
for size in $SIZES; do
  before=$(heap_used_kb)
  bytes=$((size * 1024 * 1024))
  url=$(curl -fsS -D - -o /dev/null -H "x-goog-api-key: $CLIENT_TOKEN" -H 'Content-Type: application/json' \
    -H 'X-Goog-Upload-Protocol: resumable' -H 'X-Goog-Upload-Command: start' \
    -H "X-Goog-Upload-Header-Content-Length: $bytes" -H 'X-Goog-Upload-Header-Content-Type: video/mp4' \
    -d '{"file":{"displayName":"bench.mp4"}}' "$GW/upload/v1beta/files" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-goog-upload-url" {print $2}')
  [ -n "$url" ] || { echo "no upload URL" >&2; exit 1; }
  start=$(date +%s.%N)
  # One chunk of the whole file, streamed by curl from a pipe, with no key (as the Python SDK sends chunks).
  code=$(head -c "$bytes" /dev/zero | curl -sS -o "$WORK/final-$size.json" -w '%{http_code}' \
    -H 'X-Goog-Upload-Command: upload, finalize' -H 'X-Goog-Upload-Offset: 0' -H "Content-Length: $bytes" \
    -H 'Content-Type: application/octet-stream' --data-binary @- "$url")
  took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  [ "$code" = 200 ] || { echo "upload of $size MB answered $code: $(head -c 300 "$WORK/final-$size.json")" >&2; exit 1; }
  size_back=$(grep -o '"sizeBytes" *: *"[0-9]*"' "$WORK/final-$size.json" | grep -o '[0-9]*' | tail -1)
  after=$(heap_used_kb)
  RESULTS+="| $size MB | $code | ${size_back:-?} | $took s | $((before / 1024)) MB | $((after / 1024)) MB | $(( $(rss_kb "$GW_PID") / 1024 )) MB |"$'\n'
done
TS=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$HERE/results"
{
  echo "# Upload memory $TS (gateway -Xmx${HEAP}m, checkout $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo
  echo "| upload (one chunk) | status | sizeBytes Google saw | time | gateway heap used before (after full GC) | after | gateway peak RSS so far |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s' "$RESULTS"
} | tee "$HERE/results/$TS.md"
for db in "$GEMINI_POOL_KEYPOOL_DB_NAME" "$GEMINI_POOL_USAGE_DB_NAME"; do
  mysql -h 127.0.0.1 -P "${GEMINI_POOL_DB_URL##*:}" -u "$GEMINI_POOL_DB_USER" -e "DROP DATABASE IF EXISTS $db" 2>/dev/null || true
done
