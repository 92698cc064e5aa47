#!/bin/sh
# Start script of the Gemini Pool images (deploy/docker/Dockerfile).
# 1. Secrets as files: every /run/secrets/gemini-pool/<NAME> (NAME a Gemini Pool setting such as
#    GEMINI_POOL_INTERNAL_TOKEN) becomes the env variable NAME unless that is already set. docker compose mounts only
#    the service's own folder of deploy/secrets/ there (deploy/secrets-init.sh), so a service never sees another's.
#    Empty settings are dropped, so that the service's default applies.
# 2. The JVM with the memory budget (deploy/jvm: common + this service, native.env), then JAVA_OPTS (overrides).
set -eu
SECRETS_DIR=${SECRETS_DIR:-/run/secrets/gemini-pool}
if [ -d "$SECRETS_DIR" ]; then
  for file in "$SECRETS_DIR"/*; do
    [ -f "$file" ] || continue
    name=$(basename "$file")
    case "$name" in
      *[!A-Z0-9_]*) echo "entrypoint: ignoring $file (not a variable name)" >&2; continue ;;
      GEMINI_POOL_*|OPENROUTER_API_KEY) ;;
      *) echo "entrypoint: ignoring $file (not a Gemini Pool secret)" >&2; continue ;;
    esac
    eval "current=\${$name:-}"
    [ -n "$current" ] || export "$name=$(cat "$file")"
  done
fi
# An empty setting means "the default" (docker compose passes every setting of .env, set or not), but Quarkus refuses
# an empty value for a typed property: drop the empty ones.
for name in $(env | grep -E '^(GEMINI_POOL_[A-Z0-9_]*|GEMINI_BASE_URL|OPENROUTER_[A-Z0-9_]*)=$' | cut -d= -f1); do
  unset "$name"
done
# glibc malloc arenas (deploy/jvm/native.env) unless set
if [ -z "${MALLOC_ARENA_MAX:-}" ] && [ -r /opt/gemini-pool/jvm/native.env ]; then
  export "$(grep '^MALLOC_ARENA_MAX=' /opt/gemini-pool/jvm/native.env)"
fi
# JAVA_OPTS is split on spaces on purpose (several options in one variable).
# shellcheck disable=SC2086
exec java @/opt/gemini-pool/jvm/common.options "@/opt/gemini-pool/jvm/$APP_SERVICE.options" ${JAVA_OPTS:-} \
  -jar /opt/gemini-pool/app/quarkus-run.jar "$@"
