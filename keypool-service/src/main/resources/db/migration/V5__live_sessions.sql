-- Live API sessions (gemini-api-2026.md §10): Google limits how many Live sessions a project holds open at once, so
-- the keypool keeps one row per open session of every gateway replica. A row lives while its gateway heartbeats it
-- (expires_at_ms moves on); a crashed gateway's rows expire by themselves and free their project's slots.
CREATE TABLE gp_live_session (
    id            CHAR(36)     CHARACTER SET ascii NOT NULL PRIMARY KEY,
    project_id    BIGINT       NOT NULL,
    key_id        BIGINT       NULL,
    lease_id      CHAR(36)     CHARACTER SET ascii NULL,
    model         VARCHAR(128) NOT NULL,
    owner         VARCHAR(64)  NULL,
    opened_at_ms  BIGINT       NOT NULL,
    expires_at_ms BIGINT       NOT NULL,
    KEY ix_live_session_project (project_id, expires_at_ms),
    KEY ix_live_session_expiry (expires_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per project that ever held a Live session: the lock that makes "count the open slots, then take one" a
-- single atomic step across replicas (SELECT … FOR UPDATE), and the concurrent-session limit learned from Google's
-- refusal (close 1011 with the quota text at setup): NULL = unknown (the configured default applies).
CREATE TABLE gp_live_limit (
    project_id    BIGINT       NOT NULL PRIMARY KEY,
    session_limit INT          NULL,
    learned_at_ms BIGINT       NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
