-- Today's Google (design §3): keys of every kind, limits learned from Google's 429s, shared quota models, an input-token
-- bucket, retired models and projects whose billing or access is down.

-- Keys of any kind and length up to 512 characters: AES-GCM adds 12 (IV) + 16 (tag) bytes.
ALTER TABLE gp_key MODIFY secret VARBINARY(600) NOT NULL, MODIFY masked VARCHAR(64) NOT NULL;

-- tier: FREE | PAID as the project's own 429s name it (quotaId …-FreeTier or not); NULL until one says.
-- blocked_until_ms: the whole project is skipped until then (billing depleted; one call after it re-checks).
ALTER TABLE gp_project
    ADD COLUMN tier             VARCHAR(8)   NULL,
    ADD COLUMN blocked_until_ms BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN blocked_reason   VARCHAR(512) NULL;

-- A bucket is now per (project, quota model): `model` holds the quota model (quotaDimensions.model), which several
-- model IDs may share. Added: the input-tokens-per-minute window, the limits this project learned (NULL = nothing
-- learned, -1 = Google accepted a call above a provisional value: no local limit until it names the real one), and
-- the Pacific day of the last probe above a provisional limit per window.
ALTER TABLE gp_quota_bucket
    ADD COLUMN tpm_window        BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN tpm_used          BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN learned_rpm       BIGINT       NULL,
    ADD COLUMN learned_rpm_at_ms BIGINT       NULL,
    ADD COLUMN learned_rpd       BIGINT       NULL,
    ADD COLUMN learned_rpd_at_ms BIGINT       NULL,
    ADD COLUMN learned_tpm       BIGINT       NULL,
    ADD COLUMN learned_tpm_at_ms BIGINT       NULL,
    ADD COLUMN learned_source    VARCHAR(255) NULL,
    ADD COLUMN rpm_probe_day     INT          NOT NULL DEFAULT -1,
    ADD COLUMN rpd_probe_day     INT          NOT NULL DEFAULT -1,
    ADD COLUMN tpm_probe_day     INT          NOT NULL DEFAULT -1;

-- Limits learned on one project, used as a hint by its siblings of the same tier until they learn their own.
CREATE TABLE gp_limit_hint (
    quota_model     VARCHAR(128) NOT NULL,
    tier            VARCHAR(8)   NOT NULL,
    rpm             BIGINT       NULL,
    rpm_at_ms       BIGINT       NULL,
    rpd             BIGINT       NULL,
    rpd_at_ms       BIGINT       NULL,
    tpm             BIGINT       NULL,
    tpm_at_ms       BIGINT       NULL,
    from_project_id BIGINT       NULL,
    PRIMARY KEY (quota_model, tier)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Model ID → the quota model Google counts it under, learned from quotaDimensions.model (absent: the ID itself).
CREATE TABLE gp_quota_model (
    model         VARCHAR(128) NOT NULL PRIMARY KEY,
    quota_model   VARCHAR(128) NOT NULL,
    learned_at_ms BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- A model Google answered "no longer available" for: project_id 0 = for everyone (shut down), else for that project
-- ("no longer available to new users"). Leases skip it there; an admin can clear it.
CREATE TABLE gp_model_retirement (
    project_id BIGINT       NOT NULL,
    model      VARCHAR(128) NOT NULL,
    since_ms   BIGINT       NOT NULL,
    message    VARCHAR(512) NULL,
    PRIMARY KEY (project_id, model),
    KEY ix_retirement_model (model)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Family defaults: admin-editable limits matched by a glob pattern on the model ID (the longest matching pattern
-- wins). Provisional: each may be exceeded by one call per window and Pacific day, and Google's answer decides.
CREATE TABLE gp_family_quota (
    pattern       VARCHAR(128) NOT NULL PRIMARY KEY,
    rpm           BIGINT       NULL,
    rpd           BIGINT       NULL,
    tpm           BIGINT       NULL,
    note          VARCHAR(255) NULL,
    updated_at_ms BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Seeded from the data points of Google's own 2026 answers (shared/reference/gemini-api-2026.md §1.4, §3): free RPD 20
-- seen for flash and flash-lite, free input TPM 250000. Google publishes no per-minute figures any more.
INSERT INTO gp_family_quota (pattern, rpm, rpd, tpm, note, updated_at_ms) VALUES
    ('*flash-lite*', NULL, 20, 250000, 'free tier: RPD 20 in Google 429s (2026), input TPM 250000', 0),
    ('*flash*',      NULL, 20, 250000, 'free tier: RPD 20 in Google 429s (2025-2026), input TPM 250000', 0);

-- The lease row remembers the bucket it counted in, its token estimate and which windows it probed above a
-- provisional limit (bit 1 RPM, 2 RPD, 4 TPM).
ALTER TABLE gp_lease
    ADD COLUMN quota_model VARCHAR(128) NULL,
    ADD COLUMN est_tokens  BIGINT       NOT NULL DEFAULT 0,
    ADD COLUMN probe_mask  INT          NOT NULL DEFAULT 0;

-- The 2025 seed rows describe models that are shut down (design §5 note); untouched seeds would shadow learning.
DELETE FROM gp_model_quota WHERE updated_at_ms = 0;
