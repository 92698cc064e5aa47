# Sourced by the mysql image's entrypoint on the first start (empty data directory) only.
# Creates the services' account with rights on every gemini_pool_* database; each service then creates its own
# database (gemini_pool_keypool, gemini_pool_usage) when missing. mysql_native_password: the services' JDBC driver
# (Flyway) connects without TLS, where MySQL 8's default caching_sha2_password would need RSA key retrieval.
# Use a password without quotes or backslashes (openssl rand -hex 24).
docker_process_sql <<EOSQL
CREATE USER IF NOT EXISTS '${GEMINI_POOL_DB_USER}'@'%' IDENTIFIED WITH mysql_native_password BY '${GEMINI_POOL_DB_PASSWORD}';
GRANT ALL PRIVILEGES ON \`gemini\\_pool\\_%\`.* TO '${GEMINI_POOL_DB_USER}'@'%';
EOSQL
