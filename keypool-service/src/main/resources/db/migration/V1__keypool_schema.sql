-- keypool-service schema. All times are epoch milliseconds (UTC); windows are numbers:
-- minute_window = epoch minute, day_window = epoch day of the America/Los_Angeles calendar date.

CREATE TABLE gp_project (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(128) NOT NULL,
    created_at_ms BIGINT       NOT NULL,
    UNIQUE KEY uk_project_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE gp_key (
    id                  BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    project_id          BIGINT        NOT NULL,
    secret              VARBINARY(255) NOT NULL,   -- AES-GCM: 12-byte IV || ciphertext || tag
    fingerprint         CHAR(64)      NOT NULL,    -- HMAC-SHA256 of the raw key, hex
    masked              VARCHAR(32)   NOT NULL,    -- AIza…wXyZ
    state               VARCHAR(16)   NOT NULL,    -- ACTIVE | DISABLED | BANNED
    state_reason        VARCHAR(512)  NULL,
    state_changed_at_ms BIGINT        NOT NULL,
    failure_streak      INT           NOT NULL DEFAULT 0,
    last_checked_at_ms  BIGINT        NULL,
    last_check_result   VARCHAR(32)   NULL,
    created_at_ms       BIGINT        NOT NULL,
    UNIQUE KEY uk_key_fingerprint (fingerprint),
    KEY ix_key_project (project_id),
    KEY ix_key_state (state),
    CONSTRAINT fk_key_project FOREIGN KEY (project_id) REFERENCES gp_project (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE gp_key_pool (
    key_id BIGINT      NOT NULL,
    pool   VARCHAR(64) NOT NULL,
    PRIMARY KEY (key_id, pool),
    KEY ix_key_pool_pool (pool, key_id),
    CONSTRAINT fk_key_pool_key FOREIGN KEY (key_id) REFERENCES gp_key (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE gp_model_quota (
    model         VARCHAR(128) NOT NULL PRIMARY KEY,
    rpm           INT          NOT NULL,
    rpd           INT          NOT NULL,
    tpm           INT          NULL,
    updated_at_ms BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE gp_project_quota (
    project_id    BIGINT       NOT NULL,
    model         VARCHAR(128) NOT NULL,
    rpm           INT          NOT NULL,
    rpd           INT          NOT NULL,
    tpm           INT          NULL,
    updated_at_ms BIGINT       NOT NULL,
    PRIMARY KEY (project_id, model),
    KEY ix_project_quota_model (model),
    CONSTRAINT fk_project_quota_project FOREIGN KEY (project_id) REFERENCES gp_project (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per (project, model): the current minute window and the current Pacific day with their counts, and the
-- bucket states (cooldown end, day marked exhausted by Google). A lease is one conditional UPDATE of this row.
CREATE TABLE gp_quota_bucket (
    project_id        BIGINT       NOT NULL,
    model             VARCHAR(128) NOT NULL,
    minute_window     BIGINT       NOT NULL DEFAULT 0,
    minute_used       INT          NOT NULL DEFAULT 0,
    day_window        INT          NOT NULL DEFAULT 0,
    day_used          INT          NOT NULL DEFAULT 0,
    cooldown_until_ms BIGINT       NOT NULL DEFAULT 0,
    exhausted_day     INT          NOT NULL DEFAULT -1,
    PRIMARY KEY (project_id, model)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE gp_lease (
    id                CHAR(36)     NOT NULL PRIMARY KEY,
    request_id        VARCHAR(128) NULL,
    key_id            BIGINT       NOT NULL,
    project_id        BIGINT       NOT NULL,
    model             VARCHAR(128) NOT NULL,
    minute_window     BIGINT       NOT NULL,
    day_window        INT          NOT NULL,
    created_at_ms     BIGINT       NOT NULL,
    expires_at_ms     BIGINT       NOT NULL,
    outcome           VARCHAR(32)  NULL,        -- NULL while open; EXPIRED when closed by the scheduler
    settled_at_ms     BIGINT       NULL,
    prompt_tokens     INT          NULL,
    completion_tokens INT          NULL,
    reason            VARCHAR(512) NULL,
    KEY ix_lease_open (outcome, expires_at_ms),
    KEY ix_lease_window (project_id, model, minute_window)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE gp_key_audit (
    id     BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    key_id BIGINT       NOT NULL,
    at_ms  BIGINT       NOT NULL,
    event  VARCHAR(32)  NOT NULL,
    detail VARCHAR(512) NULL,
    KEY ix_key_audit_key (key_id, at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Scheduled jobs: which replica last ran each job, and when (exactly-one-runner bookkeeping).
CREATE TABLE gp_job (
    name               VARCHAR(64)  NOT NULL PRIMARY KEY,
    last_started_at_ms BIGINT       NOT NULL DEFAULT 0,
    last_success_at_ms BIGINT       NOT NULL DEFAULT 0,
    last_runner        VARCHAR(128) NULL,
    last_result        VARCHAR(512) NULL,
    run_count          BIGINT       NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Free-tier defaults (mid-2025, ai.google.dev); editable at runtime with PUT /admin/quotas/{model}.
INSERT INTO gp_model_quota (model, rpm, rpd, tpm, updated_at_ms) VALUES
    ('gemini-2.5-pro',                          5,  100,  250000, 0),
    ('gemini-2.5-flash',                       10,  250,  250000, 0),
    ('gemini-2.5-flash-preview-09-2025',       10,  250,  250000, 0),
    ('gemini-2.5-flash-lite',                  15, 1000,  250000, 0),
    ('gemini-2.5-flash-lite-preview-09-2025',  15, 1000,  250000, 0),
    ('gemini-2.0-flash',                       15,  200, 1000000, 0),
    ('gemini-2.0-flash-lite',                  30,  200, 1000000, 0),
    ('gemini-embedding-001',                  100, 1000,   30000, 0);
