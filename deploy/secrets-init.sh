#!/bin/bash
# Least privilege for the secrets (deploy/README.md "Secrets"): each service gets only the settings it reads.
#
#   secrets-init.sh compose DIR
#     Run by docker compose's one-shot service "secrets" (as root, with deploy/.env in its environment, no network).
#     Writes DIR/<consumer>/<NAME>, one file per secret, for the consumers gateway-service, keypool-service,
#     usage-service and mysql; compose mounts only a service's own folder (at /run/secrets/gemini-pool). A secret set
#     in .env is used as it is; an empty one is generated once and kept in DIR/.generated (so a restart keeps it).
#   secrets-init.sh systemd SETTINGS OUTDIR
#     Splits a filled settings file (deploy/.env.example's format, step 4 of deploy/README.md) into
#     OUTDIR/{gateway,keypool,usage}.env, each holding only the variables its service reads, for the units'
#     EnvironmentFile. The required secrets must be filled (the encryption key must never be re-generated).
#
# The lists below are the README's Configuration table, column "used by" (deploy-check keeps them equal to it and
# to docker-compose.yml).
set -euo pipefail

SECRETS_gateway="GEMINI_POOL_CLIENT_TOKENS GEMINI_POOL_ADMIN_TOKEN GEMINI_POOL_INTERNAL_TOKEN OPENROUTER_API_KEY"
SECRETS_keypool="GEMINI_POOL_ADMIN_TOKEN GEMINI_POOL_INTERNAL_TOKEN GEMINI_POOL_ENCRYPTION_KEY GEMINI_POOL_DB_PASSWORD"
SECRETS_usage="GEMINI_POOL_ADMIN_TOKEN GEMINI_POOL_INTERNAL_TOKEN GEMINI_POOL_DB_PASSWORD"
SECRETS_mysql="GEMINI_POOL_DB_PASSWORD"
SETTINGS_gateway="GEMINI_BASE_URL OPENROUTER_BASE_URL GEMINI_POOL_ROUTES GEMINI_POOL_KEYPOOL_URL GEMINI_POOL_USAGE_URL
  GEMINI_POOL_SPILL_DIR GEMINI_POOL_ROUTE_HEADER_TOKENS GEMINI_POOL_ROUTES_RELOAD_INTERVAL GEMINI_POOL_MAX_BODY_SIZE
  GEMINI_POOL_MAX_ATTEMPTS GEMINI_POOL_MAX_UPSTREAM_ERROR_RETRIES GEMINI_POOL_UPSTREAM_TIMEOUT
  GEMINI_POOL_UPSTREAM_CONNECT_TIMEOUT GEMINI_POOL_UPSTREAM_MAX_CONNECTIONS GEMINI_POOL_MODELS_CACHE_TTL
  GEMINI_POOL_USAGE_BATCH_SIZE GEMINI_POOL_USAGE_SHIP_INTERVAL GEMINI_POOL_USAGE_QUEUE_CAPACITY
  GEMINI_POOL_USAGE_SHUTDOWN_FLUSH_TIMEOUT GEMINI_POOL_CONSOLE_SESSION_TTL GEMINI_POOL_CONSOLE_SECURE_COOKIE
  GEMINI_POOL_CONSOLE_BACKEND_TIMEOUT
  GEMINI_POOL_MAX_BODY_BYTES_IN_FLIGHT GEMINI_POOL_HTTP_IDLE_TIMEOUT GEMINI_POOL_FAMILY_REFRESH_INTERVAL GEMINI_POOL_USAGE_SPILL_MAX_SIZE GEMINI_POOL_USAGE_REJECTED_MAX_FILES GEMINI_POOL_USAGE_REJECTED_MAX_SIZE GEMINI_POOL_CONSOLE_LOGIN_MAX_FAILURES GEMINI_POOL_CONSOLE_LOGIN_WINDOW
  GEMINI_POOL_LIVE_IDLE_TIMEOUT GEMINI_POOL_LIVE_SESSIONS_PER_TOKEN GEMINI_POOL_LIVE_MAX_FRAME_SIZE"
SETTINGS_keypool="GEMINI_BASE_URL GEMINI_POOL_DB_URL GEMINI_POOL_DB_USER GEMINI_POOL_KEYPOOL_DB_NAME
  GEMINI_POOL_KEYPOOL_DB_POOL_SIZE GEMINI_POOL_LEASE_TTL GEMINI_POOL_BAN_AFTER_UPSTREAM_ERRORS
  GEMINI_POOL_RATE_LIMIT_COOLDOWN GEMINI_POOL_NO_KEYS_RETRY_AFTER GEMINI_POOL_REVALIDATE_EVERY
  GEMINI_POOL_REVALIDATE_DELAY GEMINI_POOL_REVALIDATE_CONCURRENCY GEMINI_POOL_REVALIDATE_TIMEOUT
  GEMINI_POOL_LEASE_EXPIRY_EVERY
  GEMINI_POOL_BILLING_RECHECK_AFTER GEMINI_POOL_SNAPSHOT_POLL GEMINI_POOL_QUOTA_BLOCK_MAX GEMINI_POOL_QUOTA_BLOCK_IDLE GEMINI_POOL_KEYPOOL_PRUNE_EVERY GEMINI_POOL_LEASE_RETENTION GEMINI_POOL_KEY_AUDIT_RETENTION GEMINI_POOL_KEYPOOL_PRUNE_BATCH_SIZE GEMINI_POOL_KEYPOOL_PRUNE_MAX_BATCHES
  GEMINI_POOL_LIVE_DEFAULT_SESSIONS GEMINI_POOL_LIVE_SLOT_TTL"
SETTINGS_usage="GEMINI_POOL_DB_URL GEMINI_POOL_DB_USER GEMINI_POOL_USAGE_DB_NAME GEMINI_POOL_USAGE_DB_POOL_SIZE
  GEMINI_POOL_USAGE_MAX_BATCH_SIZE GEMINI_POOL_USAGE_MAX_RANGE_DAYS GEMINI_POOL_USAGE_RETENTION_DAYS
  GEMINI_POOL_USAGE_PRUNE_EVERY GEMINI_POOL_USAGE_PRUNE_DELAY GEMINI_POOL_USAGE_PRUNE_BATCH_SIZE
  GEMINI_POOL_USAGE_PRUNE_MAX_BATCHES"
# Secrets a service may run without (empty: the feature is off). The others are generated (compose) or required.
OPTIONAL="OPENROUTER_API_KEY"
# Runtime users: the images' (deploy/docker/Dockerfile) and the mysql image's.
UID_service=10001
UID_mysql=999

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
generate() { # name → a fresh value of the form deploy/README.md step 4 uses
  case "$1" in
    GEMINI_POOL_CLIENT_TOKENS) echo "gp-$(hex 24)" ;;
    GEMINI_POOL_ENCRYPTION_KEY) head -c 32 /dev/urandom | base64 ;;
    GEMINI_POOL_DB_PASSWORD) hex 24 ;;
    *) hex 32 ;;
  esac
}
is_optional() { case " $OPTIONAL " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

compose_mode() {
  local dir=$1 consumer name value secrets owner
  umask 077
  mkdir -p "$dir/.generated"
  # the top folder only traversable (docker's build context lists the checkout and skips it by .dockerignore); each
  # service's folder belongs to that service's user, the generated values to root
  chmod 711 "$dir"
  chmod 700 "$dir/.generated"
  for consumer in gateway keypool usage mysql; do
    local target=$dir/$consumer-service
    [ "$consumer" = mysql ] && target=$dir/mysql
    owner=$UID_service; [ "$consumer" = mysql ] && owner=$UID_mysql
    if [ -d "$target.new" ]; then chmod -R u+w "$target.new"; rm -rf "$target.new"; fi
    mkdir -p "$target.new"
    secrets=SECRETS_$consumer
    for name in ${!secrets}; do
      value=${!name:-}
      if [ -z "$value" ] && ! is_optional "$name"; then
        [ -s "$dir/.generated/$name" ] || generate "$name" > "$dir/.generated/$name"
        value=$(cat "$dir/.generated/$name")
      fi
      [ -n "$value" ] || continue
      printf '%s' "$value" > "$target.new/$name"
    done
    chmod 500 "$target.new" && chmod 400 "$target.new"/* 2>/dev/null || true
    [ "$(id -u)" != 0 ] || chown -R "$owner:$owner" "$target.new"
    if [ -d "$target" ]; then chmod -R u+w "$target"; rm -rf "$target"; fi
    mv "$target.new" "$target"
  done
  echo "secrets written to $dir/{gateway-service,keypool-service,usage-service,mysql}/ (one folder per service)"
}

systemd_mode() {
  local settings=$1 out=$2 svc name line value vars missing=""
  [ -r "$settings" ] || { echo "cannot read $settings" >&2; exit 2; }
  declare -A given=()
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    [[ "$line" =~ ^[A-Z][A-Z0-9_]*= ]] || { echo "$settings: not a KEY=value line: $line" >&2; exit 2; }
    given[${line%%=*}]=${line#*=}
  done < "$settings"
  for svc in gateway keypool usage; do
    vars=SECRETS_$svc
    for name in ${!vars}; do
      if [ -z "${given[$name]:-}" ] && ! is_optional "$name"; then missing+=" $name"; fi
    done
  done
  [ -z "$missing" ] || { echo "$settings: fill these first (deploy/README.md step 4):$missing" >&2; exit 1; }
  umask 077
  mkdir -p "$out"
  for svc in gateway keypool usage; do
    vars="SECRETS_$svc"; local secrets=${!vars}
    vars="SETTINGS_$svc"; local plain=${!vars}
    {
      echo "# $svc-service settings, written by deploy/secrets-init.sh from $settings (only what $svc reads)."
      for name in $secrets $plain; do
        # an empty value means "the default": left out, since Quarkus refuses an empty typed setting
        [ -n "${given[$name]:-}" ] && echo "$name=${given[$name]}"
      done
    } > "$out/$svc.env.new"
    mv "$out/$svc.env.new" "$out/$svc.env"
    chmod 600 "$out/$svc.env"   # systemd reads it as root; the service's dynamic user never sees the file
  done
  echo "wrote $out/gateway.env, $out/keypool.env, $out/usage.env"
}

case "${1:-}" in
  compose) [ $# -eq 2 ] || { echo "usage: $0 compose DIR" >&2; exit 2; }; compose_mode "$2" ;;
  systemd) [ $# -eq 3 ] || { echo "usage: $0 systemd SETTINGS OUTDIR" >&2; exit 2; }; systemd_mode "$2" "$3" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
