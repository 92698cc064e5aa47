#!/usr/bin/env bash
# Demo data for `./run.sh --demo`: run by run.sh once the services are ready, with the gemini-simulator on
# 127.0.0.1:8089 standing in for Google (and OpenRouter). It registers a few generated fake keys ("AIza" + 35 random
# characters) in the simulator, imports them into the keypool pools the built-in routes use (flash-lite, pro,
# embedding), and prints a curl line and an OpenAI-SDK snippet that work as they are against the gateway.
# The keys are kept in $GEMINI_POOL_DATA_DIR/demo-keys.txt and reused on the next demo run.
# Env: GEMINI_POOL_ADMIN_TOKEN, GEMINI_POOL_CLIENT_TOKENS (set by run.sh); optional GEMINI_POOL_DATA_DIR,
# OPENROUTER_API_KEY, GEMINI_POOL_DEMO_SIMULATOR_URL, GEMINI_POOL_DEMO_KEYPOOL_URL, GEMINI_POOL_DEMO_GATEWAY_URL.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA_DIR=${GEMINI_POOL_DATA_DIR:-$ROOT/data}
SIM=${GEMINI_POOL_DEMO_SIMULATOR_URL:-http://127.0.0.1:8089}
KEYPOOL=${GEMINI_POOL_DEMO_KEYPOOL_URL:-http://127.0.0.1:8081}
GATEWAY=${GEMINI_POOL_DEMO_GATEWAY_URL:-http://127.0.0.1:8080}
ADMIN=${GEMINI_POOL_ADMIN_TOKEN:-}
if [ -z "$ADMIN" ] && [ -f "$DATA_DIR/admin.token" ]; then ADMIN=$(cat "$DATA_DIR/admin.token"); fi
CLIENT=${GEMINI_POOL_CLIENT_TOKENS:-}
if [ -z "$CLIENT" ] && [ -f "$DATA_DIR/client.token" ]; then CLIENT=$(cat "$DATA_DIR/client.token"); fi
CLIENT=${CLIENT%%,*}
[ -n "$ADMIN" ] || { echo "demo-setup: GEMINI_POOL_ADMIN_TOKEN is not set" >&2; exit 1; }
[ -n "$CLIENT" ] || { echo "demo-setup: GEMINI_POOL_CLIENT_TOKENS is not set" >&2; exit 1; }

KEYS_FILE="$DATA_DIR/demo-keys.txt"
mkdir -p "$DATA_DIR"

gen_key() { # "AIza" + 35 characters of [A-Za-z0-9_-]
  printf 'AIza%s' "$(head -c 64 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_' | cut -c1-35)"
}

if [ ! -s "$KEYS_FILE" ]; then
  { # key  pool  project
    for i in 1 2 3; do echo "$(gen_key) flash-lite demo-lite-$i"; done
    echo "$(gen_key) flash demo-flash-1"
    echo "$(gen_key) pro demo-pro-1"
    for i in 1 2; do echo "$(gen_key) embedding demo-embed-$i"; done
  } > "$KEYS_FILE"
  chmod 600 "$KEYS_FILE"
fi

import=""
while read -r key pool project; do
  [ -n "$key" ] || continue
  curl -fsS -o /dev/null -X POST "$SIM/_sim/keys" -H 'Content-Type: application/json' \
    -d "{\"apiKey\":\"$key\",\"project\":\"$project\",\"status\":\"VALID\"}"
  import+="$key pool=$pool project=$project"$'\n'
done < "$KEYS_FILE"

if [ -n "${OPENROUTER_API_KEY:-}" ]; then
  curl -fsS -o /dev/null -X PUT "$SIM/_sim/openrouter/keys" -H 'Content-Type: application/json' \
    -d "{\"key\":\"$OPENROUTER_API_KEY\",\"rpm\":20}"
fi

answer=$(curl -fsS -X POST "$KEYPOOL/admin/keys/import" -H "Authorization: Bearer $ADMIN" \
  -H 'Content-Type: text/plain' --data-binary "$import")
added=$(printf '%s' "$answer" | sed -n 's/.*"added":\([0-9]*\).*/\1/p')
duplicates=$(printf '%s' "$answer" | sed -n 's/.*"duplicates":\([0-9]*\).*/\1/p')

cat <<INFO

Demo keys: ${added:-?} imported, ${duplicates:-0} already there (pools flash-lite, flash, pro, embedding; list in $KEYS_FILE).
Try the gateway:

  curl -sS $GATEWAY/v1/chat/completions -H "Authorization: Bearer $CLIENT" -H 'Content-Type: application/json' \\
    -d '{"model":"flash_lite_pool","messages":[{"role":"user","content":"Hello from the demo"}]}'

  curl -sS "$GATEWAY/v1beta/models/flash_lite_pool:generateContent" -H "x-goog-api-key: $CLIENT" \\
    -H 'Content-Type: application/json' -d '{"contents":[{"parts":[{"text":"Hello from the demo"}]}]}'

OpenAI SDK (Python):

  from openai import OpenAI
  client = OpenAI(base_url="$GATEWAY/v1", api_key="$CLIENT")
  r = client.chat.completions.create(model="flash_lite_pool",
                                     messages=[{"role": "user", "content": "Hello from the demo"}])
  print(r.choices[0].message.content)

A prompt containing [专家模式] goes to the pro pool; embeddings go to the embedding pool; the route that served a
call is in the x-gemini-pool-route response header.
INFO
