-- Affinity (design §2): every stored object a call created through the pool — files/…, cachedContents/…, batches/…,
-- interactions/…, …/operations/…, fileSearchStores/…, and resumable uploads (uploads/<upload_id>) — belongs to the
-- Google project whose key created it. Later calls naming it lease only keys of that project; a client token sees and
-- uses only its own objects. `owner` is the gateway's client token id (first 16 hex of SHA-256), never the token.
-- Rows past expires_at_ms are ignored by lookups and deleted by the retention job.
CREATE TABLE gp_object_affinity (
    name          VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    kind          VARCHAR(32)  NOT NULL,
    project_id    BIGINT       NOT NULL,
    key_id        BIGINT       NOT NULL,
    owner         VARCHAR(64)  NOT NULL,
    created_at_ms BIGINT       NOT NULL,
    expires_at_ms BIGINT       NOT NULL,
    KEY ix_affinity_owner (owner, kind, created_at_ms),
    KEY ix_affinity_expiry (expires_at_ms)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
