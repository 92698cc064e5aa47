package org.geminipool.keypool.scheduler;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.geminipool.keypool.repository.RetentionRepository;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history retention job: closed leases 48 h after expiry and audit rows after 30 days are deleted, open leases
 * and newer rows are kept, and one run is bounded (DELETE … LIMIT, a cap on statements, the rest left for the next).
 */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
class RetentionJobTest {

    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final long DAY = Duration.ofDays(1).toMillis();

    @Inject
    KeypoolJobs jobs;
    @Inject
    RetentionRepository retention;
    @Inject
    Pool pool;
    @Inject
    TimeSource time;

    private void lease(String model, String outcome, long expiresAt) {
        pool.preparedQuery("INSERT INTO gp_lease (id, key_id, project_id, model, minute_window, day_window,"
                        + " created_at_ms, expires_at_ms, outcome, settled_at_ms) VALUES (?, 1, 1, ?, 0, 0, ?, ?, ?, ?)")
                .execute(Tuple.from(new Object[] {UUID.randomUUID().toString(), model, expiresAt - 300_000, expiresAt,
                        outcome, outcome == null ? null : expiresAt - 1000}))
                .await().atMost(AWAIT);
    }

    private void audit(long keyId, long at) {
        pool.preparedQuery("INSERT INTO gp_key_audit (key_id, at_ms, event, detail) VALUES (?, ?, 'TEST', NULL)")
                .execute(Tuple.of(keyId, at)).await().atMost(AWAIT);
    }

    private long count(String sql, Object arg) {
        return pool.preparedQuery(sql).execute(Tuple.of(arg)).await().atMost(AWAIT).iterator().next().getLong(0);
    }

    private long leases(String model, String where) {
        return count("SELECT COUNT(*) FROM gp_lease WHERE model = ? AND " + where, model);
    }

    /** Lets the job run again at once (the one-runner bookkeeping skips a second run within half an interval). */
    private void allowNextRun() {
        pool.preparedQuery("UPDATE gp_job SET last_started_at_ms = 0 WHERE name = ?")
                .execute(Tuple.of(KeypoolJobs.PRUNE_HISTORY)).await().atMost(AWAIT);
    }

    @Test
    void oldClosedLeasesAndOldAuditRowsArePrunedTheRestIsKept() {
        String model = "retention-" + UUID.randomUUID();
        long keyId = -ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        long now = time.nowMillis();
        for (String outcome : new String[] {"SUCCESS", "EXPIRED", "RATE_LIMITED", "UPSTREAM_ERROR", "SUCCESS"}) {
            lease(model, outcome, now - 3 * DAY);
        }
        lease(model, null, now - 3 * DAY);          // still open (the expiry job has not closed it): kept
        lease(model, "SUCCESS", now - DAY);         // closed, but within the 48 h: kept
        lease(model, "EXPIRED", now - DAY);
        for (int i = 0; i < 7; i++) {
            audit(keyId, now - 31 * DAY - i);
        }
        audit(keyId, now - 29 * DAY);
        audit(keyId, now - 1000);

        allowNextRun();
        assertEquals(JobRunner.Result.RAN, jobs.run(KeypoolJobs.PRUNE_HISTORY).await().atMost(AWAIT));

        assertEquals(0, leases(model, "outcome IS NOT NULL AND expires_at_ms < " + (now - 2 * DAY)));
        assertEquals(1, leases(model, "outcome IS NULL"), "an open lease is never pruned");
        assertEquals(2, leases(model, "expires_at_ms >= " + (now - 2 * DAY)), "recent closed leases are kept");
        assertEquals(2, count("SELECT COUNT(*) FROM gp_key_audit WHERE key_id = ?", keyId),
                "audit rows younger than 30 days are kept, older ones pruned");
        String result = pool.preparedQuery("SELECT last_result FROM gp_job WHERE name = ?")
                .execute(Tuple.of(KeypoolJobs.PRUNE_HISTORY)).await().atMost(AWAIT).iterator().next().getString(0);
        assertTrue(result.contains("lease(s)") && result.contains("audit row(s)"), result);
    }

    @Test
    void aRunIsBoundedAndTheNextRunGoesOn() {
        String model = "retention-cap-" + UUID.randomUUID();
        long keyId = -ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE / 2);
        long now = time.nowMillis();
        for (int i = 0; i < 9; i++) {
            lease(model, "SUCCESS", now - 10 * DAY);
            audit(keyId, now - 40 * DAY);
        }
        long cutoffLeases = now - 2 * DAY;
        long cutoffAudit = now - 30 * DAY;
        // Two statements of two rows: at most four rows, and "capped" says more may be left.
        RetentionRepository.Pruned first = retention.pruneClosedLeases(cutoffLeases, 2, 2).await().atMost(AWAIT);
        assertEquals(2, first.statements());
        assertTrue(first.capped());
        assertTrue(first.rows() <= 4);
        RetentionRepository.Pruned audits = retention.pruneKeyAudit(cutoffAudit, 2, 2).await().atMost(AWAIT);
        assertTrue(audits.capped() && audits.rows() <= 4);
        // Further bounded runs finish the job.
        for (int run = 0; run < 50 && leases(model, "1 = 1") > 0; run++) {
            retention.pruneClosedLeases(cutoffLeases, 2, 2).await().atMost(AWAIT);
        }
        for (int run = 0; run < 50 && count("SELECT COUNT(*) FROM gp_key_audit WHERE key_id = ?", keyId) > 0; run++) {
            retention.pruneKeyAudit(cutoffAudit, 2, 2).await().atMost(AWAIT);
        }
        assertEquals(0, leases(model, "1 = 1"));
        assertEquals(0, count("SELECT COUNT(*) FROM gp_key_audit WHERE key_id = ?", keyId));
    }
}
