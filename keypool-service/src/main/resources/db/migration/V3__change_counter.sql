-- Every replica holds the keys, projects, pools, limits, quota-model mapping, retirements and bucket states in memory
-- (snapshot/Snapshots). One row counts changes: every write that changes what the lease path reads bumps it in its own
-- transaction (repository/ChangeCounter.BUMP), and each replica polls it cheaply and reloads when it moved. Quota
-- counts (minute_used, day_used, tpm_used), probe days and failure streaks are not part of what is bumped: they change
-- with requests, and the conditional UPDATE on the bucket row stays the decision. (Written by the service, not by
-- triggers: CREATE TRIGGER needs SUPER on a MySQL with binary logging, which the deployment's user does not have.)
CREATE TABLE gp_change (
    id      INT    NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO gp_change (id, version) VALUES (1, 1);
