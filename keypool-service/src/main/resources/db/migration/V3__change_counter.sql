-- Every replica holds the keys, projects, pools, limits, quota-model mapping, retirements and bucket states in memory
-- (service/Snapshots). One row counts changes: every write that changes what the lease path reads bumps it in the same
-- transaction (these triggers, so no writer can forget), and each replica polls it cheaply and reloads when it moved.
-- Quota counts (minute_used, day_used, tpm_used) and failure streaks are not part of the snapshot: they change with
-- every request and bump nothing.
CREATE TABLE gp_change (
    id      INT    NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO gp_change (id, version) VALUES (1, 1);

CREATE TRIGGER gp_key_ai AFTER INSERT ON gp_key FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_key_ad AFTER DELETE ON gp_key FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_key_au AFTER UPDATE ON gp_key FOR EACH ROW
    UPDATE gp_change SET version = version + 1
     WHERE id = 1 AND NOT (NEW.state <=> OLD.state AND NEW.project_id <=> OLD.project_id AND NEW.secret <=> OLD.secret);

CREATE TRIGGER gp_key_pool_ai AFTER INSERT ON gp_key_pool FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_key_pool_ad AFTER DELETE ON gp_key_pool FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_key_pool_au AFTER UPDATE ON gp_key_pool FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

CREATE TRIGGER gp_project_ai AFTER INSERT ON gp_project FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_project_ad AFTER DELETE ON gp_project FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_project_au AFTER UPDATE ON gp_project FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

CREATE TRIGGER gp_model_quota_ai AFTER INSERT ON gp_model_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_model_quota_ad AFTER DELETE ON gp_model_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_model_quota_au AFTER UPDATE ON gp_model_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

CREATE TRIGGER gp_project_quota_ai AFTER INSERT ON gp_project_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_project_quota_ad AFTER DELETE ON gp_project_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_project_quota_au AFTER UPDATE ON gp_project_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

CREATE TRIGGER gp_limit_hint_ai AFTER INSERT ON gp_limit_hint FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_limit_hint_ad AFTER DELETE ON gp_limit_hint FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_limit_hint_au AFTER UPDATE ON gp_limit_hint FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

CREATE TRIGGER gp_quota_model_ai AFTER INSERT ON gp_quota_model FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_quota_model_ad AFTER DELETE ON gp_quota_model FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_quota_model_au AFTER UPDATE ON gp_quota_model FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

CREATE TRIGGER gp_model_retirement_ai AFTER INSERT ON gp_model_retirement FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_model_retirement_ad AFTER DELETE ON gp_model_retirement FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_model_retirement_au AFTER UPDATE ON gp_model_retirement FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

CREATE TRIGGER gp_family_quota_ai AFTER INSERT ON gp_family_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_family_quota_ad AFTER DELETE ON gp_family_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_family_quota_au AFTER UPDATE ON gp_family_quota FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;

-- Bucket rows: only their states and learned limits are in the snapshot, not the counts every lease moves.
CREATE TRIGGER gp_quota_bucket_ai AFTER INSERT ON gp_quota_bucket FOR EACH ROW
    UPDATE gp_change SET version = version + 1
     WHERE id = 1 AND (NEW.learned_rpm IS NOT NULL OR NEW.learned_rpd IS NOT NULL OR NEW.learned_tpm IS NOT NULL
                       OR NEW.cooldown_until_ms <> 0 OR NEW.exhausted_day <> -1);
CREATE TRIGGER gp_quota_bucket_ad AFTER DELETE ON gp_quota_bucket FOR EACH ROW UPDATE gp_change SET version = version + 1 WHERE id = 1;
CREATE TRIGGER gp_quota_bucket_au AFTER UPDATE ON gp_quota_bucket FOR EACH ROW
    UPDATE gp_change SET version = version + 1
     WHERE id = 1 AND NOT (NEW.learned_rpm <=> OLD.learned_rpm AND NEW.learned_rpm_at_ms <=> OLD.learned_rpm_at_ms
                           AND NEW.learned_rpd <=> OLD.learned_rpd AND NEW.learned_rpd_at_ms <=> OLD.learned_rpd_at_ms
                           AND NEW.learned_tpm <=> OLD.learned_tpm AND NEW.learned_tpm_at_ms <=> OLD.learned_tpm_at_ms
                           AND NEW.cooldown_until_ms <=> OLD.cooldown_until_ms
                           AND NEW.exhausted_day <=> OLD.exhausted_day
                           AND NEW.rpm_probe_day <=> OLD.rpm_probe_day AND NEW.rpd_probe_day <=> OLD.rpd_probe_day
                           AND NEW.tpm_probe_day <=> OLD.tpm_probe_day);
