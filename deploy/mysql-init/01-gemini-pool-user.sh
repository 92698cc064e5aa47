# Sourced by the mysql image's entrypoint on the first start (empty data directory) only.
# Creates the services' account with rights on every gemini_pool_* database; each service then creates its own
# database (gemini_pool_keypool, gemini_pool_usage) when missing. mysql_native_password: the services' JDBC driver
# (Flyway) connects without TLS, where MySQL 8's default caching_sha2_password would need RSA key retrieval.
# The password comes from the environment (k8s: the Secret) or from the file docker compose mounts (deploy/secrets).
# Use a password without quotes or backslashes (openssl rand -hex 24; generated ones are hex).
if [ -z "${GEMINI_POOL_DB_PASSWORD:-}" ] && [ -r /run/secrets/gemini-pool/GEMINI_POOL_DB_PASSWORD ]; then
  GEMINI_POOL_DB_PASSWORD=$(cat /run/secrets/gemini-pool/GEMINI_POOL_DB_PASSWORD)
fi
if [ -z "${GEMINI_POOL_DB_PASSWORD:-}" ]; then
  echo "01-gemini-pool-user.sh: no GEMINI_POOL_DB_PASSWORD (environment or /run/secrets/gemini-pool)" >&2
  exit 1
fi
docker_process_sql <<EOSQL
CREATE USER IF NOT EXISTS '${GEMINI_POOL_DB_USER}'@'%' IDENTIFIED WITH mysql_native_password BY '${GEMINI_POOL_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`gemini\\_pool\\_%\`.* TO '${GEMINI_POOL_DB_USER}'@'%';
EOSQL
