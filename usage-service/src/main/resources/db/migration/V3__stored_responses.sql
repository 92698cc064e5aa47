-- The OpenAI Responses door's stored responses (gateway issue 20): a response the client asked to store (store: true,
-- OpenAI's default) and the Gemini conversation it continues, so GET /v1/responses/{id} and previous_response_id work
-- on any gateway replica. Owned by the client token that created it; kept GEMINI_POOL_USAGE_RETENTION_DAYS days.
CREATE TABLE stored_response (
    response_id     VARCHAR(100) NOT NULL PRIMARY KEY,
    client_token_id VARCHAR(64)  NOT NULL,
    project         VARCHAR(128) NULL,
    data            MEDIUMTEXT   NOT NULL,
    created_at      DATETIME(3)  NOT NULL,
    expires_at      DATETIME(3)  NOT NULL,
    INDEX ix_stored_response_expires (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Which front door a request came in by (responses, messages), NULL for the native and OpenAI-chat routes.
ALTER TABLE usage_event ADD COLUMN door VARCHAR(16) NULL;
