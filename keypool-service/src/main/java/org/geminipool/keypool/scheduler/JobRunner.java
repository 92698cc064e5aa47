package org.geminipool.keypool.scheduler;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.service.TimeSource;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Exactly one runner per tick across replicas. A job runs while holding a MariaDB/MySQL named lock
 * ({@code GET_LOCK}) on one dedicated connection, kept for the whole run: a replica that dies mid-job loses its
 * connection and with it the lock. Under the lock, {@code gp_job} tells whether another replica already ran this
 * tick (started less than {@code minGapMs} ago); then this replica skips.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    public static final String RUNNER = ManagementFactory.getRuntimeMXBean().getName();

    public enum Result { RAN, LOCKED, RAN_RECENTLY, NOT_READY, FAILED }

    @Inject
    Pool pool;
    @Inject
    TimeSource time;
    @Inject
    MeterRegistry registry;
    @Inject
    org.geminipool.common.db.DatabaseMigration migration;

    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    public Uni<Result> runOnce(String job, long minGapMs, Supplier<Uni<String>> work) {
        if (!migration.isMigrated()) {
            return Uni.createFrom().item(Result.NOT_READY); // database down or not migrated yet: next tick
        }
        return pool.getConnection().flatMap(conn -> locked(conn, job, minGapMs, work)
                        .eventually(conn::close))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("job %s failed: %s", job, e.toString());
                    return Result.FAILED;
                })
                .invoke(result -> registry.counter("keypool_job_runs_total", "job", job, "result", result.name())
                        .increment());
    }

    private Uni<Result> locked(SqlConnection conn, String job, long minGapMs, Supplier<Uni<String>> work) {
        return conn.preparedQuery("SELECT GET_LOCK(CONCAT('gp:', DATABASE(), ':', ?), 0) AS got")
                .execute(Tuple.of(job))
                .flatMap(set -> {
                    Integer got = set.iterator().next().getInteger("got");
                    if (got == null || got != 1) {
                        return Uni.createFrom().item(Result.LOCKED);
                    }
                    return claimTick(conn, job, minGapMs)
                            .flatMap(claimed -> claimed ? run(conn, job, work) : Uni.createFrom().item(Result.RAN_RECENTLY))
                            .eventually(() -> conn.preparedQuery("SELECT RELEASE_LOCK(CONCAT('gp:', DATABASE(), ':', ?))")
                                    .execute(Tuple.of(job)));
                });
    }

    private Uni<Boolean> claimTick(SqlConnection conn, String job, long minGapMs) {
        long now = time.nowMillis();
        return conn.preparedQuery("INSERT IGNORE INTO gp_job (name) VALUES (?)").execute(Tuple.of(job))
                .flatMap(x -> conn.preparedQuery("UPDATE gp_job SET last_started_at_ms = ?, last_runner = ?,"
                                + " run_count = run_count + 1 WHERE name = ? AND last_started_at_ms <= ?")
                        .execute(Tuple.of(now, RUNNER, job, now - minGapMs)))
                .map(set -> set.rowCount() == 1);
    }

    private Uni<Result> run(SqlConnection conn, String job, Supplier<Uni<String>> work) {
        return Uni.createFrom().deferred(work::get)
                .flatMap(summary -> {
                    long now = time.nowMillis();
                    lastSuccess.computeIfAbsent(job, j -> {
                        AtomicLong value = new AtomicLong();
                        registry.gauge("keypool_job_last_success_seconds", io.micrometer.core.instrument.Tags.of("job", j),
                                value, v -> v.get() / 1000.0);
                        return value;
                    }).set(now);
                    return conn.preparedQuery("UPDATE gp_job SET last_success_at_ms = ?, last_result = ? WHERE name = ?")
                            .execute(Tuple.of(now, summary == null ? null : summary.length() > 500
                                    ? summary.substring(0, 500) : summary, job))
                            .replaceWith(Result.RAN);
                })
                .onFailure().recoverWithUni(e -> conn.preparedQuery("UPDATE gp_job SET last_result = ? WHERE name = ?")
                        .execute(Tuple.of("failed: " + e.getClass().getSimpleName(), job))
                        .replaceWith(Result.FAILED)
                        .invoke(() -> LOG.warnf("job %s failed: %s", job, e.toString())));
    }

    /** Last successful run of a job on this replica (epoch ms), 0 if none. */
    public long lastSuccess(String job) {
        AtomicLong value = lastSuccess.get(job);
        return value == null ? 0 : value.get();
    }
}
