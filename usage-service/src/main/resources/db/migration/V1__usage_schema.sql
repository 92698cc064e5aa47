-- Raw usage events: one row per upstream attempt, kept for the retention period (pruned by received_at).
-- event_id is the idempotency key: INSERT IGNORE skips an event seen before; ingest_id marks the rows one ingestion
-- transaction actually inserted, so only those are added to the aggregates.
CREATE TABLE usage_event (
    event_id          VARCHAR(64)  NOT NULL,
    ingest_id         CHAR(36)     NOT NULL,
    occurred_at       DATETIME(3)  NOT NULL COMMENT 'UTC',
    usage_day         DATE         NOT NULL COMMENT 'calendar day of occurred_at in America/Los_Angeles',
    received_at       DATETIME(3)  NOT NULL COMMENT 'UTC',
    key_id            VARCHAR(128) NULL,
    agg_key_id        VARCHAR(128) NOT NULL COMMENT 'key_id, or the provider (openrouter) when key_id is null',
    project           VARCHAR(128) NULL,
    model             VARCHAR(128) NOT NULL,
    route             VARCHAR(64)  NULL,
    target            VARCHAR(255) NULL,
    provider          VARCHAR(32)  NULL,
    client_token_id   VARCHAR(64)  NOT NULL COMMENT 'unknown when the event had none',
    outcome           VARCHAR(32)  NOT NULL,
    http_status       INT          NULL,
    latency_ms        BIGINT       NOT NULL,
    prompt_tokens     BIGINT       NOT NULL,
    completion_tokens BIGINT       NOT NULL,
    thought_tokens    BIGINT       NOT NULL,
    PRIMARY KEY (event_id),
    KEY ix_usage_event_ingest (ingest_id),
    KEY ix_usage_event_received (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Per (Pacific day, key, model).
CREATE TABLE usage_daily_key (
    usage_day          DATE         NOT NULL,
    key_id             VARCHAR(128) NOT NULL,
    model              VARCHAR(128) NOT NULL,
    requests           BIGINT       NOT NULL DEFAULT 0,
    successes          BIGINT       NOT NULL DEFAULT 0,
    rate_limited       BIGINT       NOT NULL DEFAULT 0,
    day_exhausted      BIGINT       NOT NULL DEFAULT 0,
    invalid_or_denied  BIGINT       NOT NULL DEFAULT 0,
    upstream_errors    BIGINT       NOT NULL DEFAULT 0,
    client_errors      BIGINT       NOT NULL DEFAULT 0,
    prompt_tokens      BIGINT       NOT NULL DEFAULT 0,
    completion_tokens  BIGINT       NOT NULL DEFAULT 0,
    thought_tokens     BIGINT       NOT NULL DEFAULT 0,
    total_latency_ms   BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (usage_day, key_id, model)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Per (Pacific day, client token id, model).
CREATE TABLE usage_daily_client (
    usage_day          DATE         NOT NULL,
    client_token_id    VARCHAR(64)  NOT NULL,
    model              VARCHAR(128) NOT NULL,
    requests           BIGINT       NOT NULL DEFAULT 0,
    successes          BIGINT       NOT NULL DEFAULT 0,
    rate_limited       BIGINT       NOT NULL DEFAULT 0,
    day_exhausted      BIGINT       NOT NULL DEFAULT 0,
    invalid_or_denied  BIGINT       NOT NULL DEFAULT 0,
    upstream_errors    BIGINT       NOT NULL DEFAULT 0,
    client_errors      BIGINT       NOT NULL DEFAULT 0,
    prompt_tokens      BIGINT       NOT NULL DEFAULT 0,
    completion_tokens  BIGINT       NOT NULL DEFAULT 0,
    thought_tokens     BIGINT       NOT NULL DEFAULT 0,
    total_latency_ms   BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (usage_day, client_token_id, model)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
