package org.geminipool.keypool.scheduler;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.config.KeypoolConfig;
import org.geminipool.keypool.repository.LeaseRepository;
import org.geminipool.keypool.repository.LeaseWriter;
import org.geminipool.keypool.repository.RetentionRepository;
import org.geminipool.keypool.service.ApiException;
import org.geminipool.keypool.service.RevalidationService;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.keypool.health.KeypoolMetrics;

import java.time.Duration;

/** The scheduled jobs; each tick runs on one replica only (see {@link JobRunner}). */
@ApplicationScoped
public class KeypoolJobs {

    public static final String REVALIDATE = "revalidate-banned-keys";
    public static final String EXPIRE_LEASES = "expire-leases";
    public static final String PRUNE_HISTORY = "prune-history";

    @Inject
    JobRunner runner;
    @Inject
    RevalidationService revalidation;
    @Inject
    LeaseRepository leases;
    @Inject
    LeaseWriter writer;
    @Inject
    TimeSource time;
    @Inject
    KeypoolConfig config;
    @Inject
    KeypoolMetrics metrics;
    @Inject
    RetentionRepository retention;
    @Inject
    MeterRegistry registry;

    @Scheduled(identity = REVALIDATE, every = "${gemini-pool.revalidate.every}", delayed = "${gemini-pool.revalidate.delay}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> revalidateTick() {
        return run(REVALIDATE).replaceWithVoid();
    }

    @Scheduled(identity = EXPIRE_LEASES, every = "${gemini-pool.lease-expiry.every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> expireTick() {
        return run(EXPIRE_LEASES).replaceWithVoid();
    }

    @Scheduled(identity = PRUNE_HISTORY, every = "${gemini-pool.retention.every}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pruneTick() {
        return run(PRUNE_HISTORY).replaceWithVoid();
    }

    /** Every replica refreshes its gauges (a read, no lock needed). */
    @Scheduled(every = "15s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshGauges() {
        return metrics.refresh();
    }

    /** Runs a job through the lock, as a tick would (also {@code POST /admin/jobs/{job}/run}). */
    public Uni<JobRunner.Result> run(String job) {
        return switch (job) {
            case REVALIDATE -> runner.runOnce(job, minGap(config.revalidate().every(), Duration.ofMinutes(30)),
                    () -> revalidation.revalidateBanned().map(r -> r.size() + " banned key(s) checked"));
            case EXPIRE_LEASES -> runner.runOnce(job, minGap(config.leaseExpiry().every(), Duration.ofSeconds(60)),
                    () -> writer.flushed().flatMap(v -> leases.expireLeases(time.nowMillis()))
                            .map(n -> n + " lease(s) expired"));
            case PRUNE_HISTORY -> runner.runOnce(job, minGap(config.retention().every(), Duration.ofMinutes(30)),
                    this::pruneHistory);
            default -> throw ApiException.notFound("unknown job " + job + " (" + REVALIDATE + ", " + EXPIRE_LEASES
                    + ", " + PRUNE_HISTORY + ")");
        };
    }

    /**
     * Bounded retention of the history tables (at 500 requests/s gp_lease alone grows by about 43 million rows a
     * day): closed leases some time after their expiry, audit rows after a longer while. DELETE … LIMIT statements,
     * each its own short transaction, at most {@code max-batches} per table and run; what is left waits for the next
     * run ("capped" in the summary).
     */
    Uni<String> pruneHistory() {
        KeypoolConfig.Retention r = config.retention();
        long now = time.nowMillis();
        return retention.pruneClosedLeases(now - r.leases().toMillis(), r.batchSize(), r.maxBatches())
                .flatMap(leases -> retention.pruneKeyAudit(now - r.keyAudit().toMillis(), r.batchSize(),
                                r.maxBatches())
                        .map(audit -> {
                            registry.counter("keypool_pruned_rows_total", "table", "gp_lease").increment(leases.rows());
                            registry.counter("keypool_pruned_rows_total", "table", "gp_key_audit")
                                    .increment(audit.rows());
                            return leases.rows() + " lease(s)" + (leases.capped() ? " (capped)" : "") + ", "
                                    + audit.rows() + " audit row(s)" + (audit.capped() ? " (capped)" : "") + " pruned";
                        }));
    }

    /** Half the interval: a second replica firing within the same tick skips, the next tick runs. */
    static long minGap(String every, Duration fallback) {
        Duration interval;
        try {
            String v = every.trim();
            interval = Duration.parse(v.startsWith("P") || v.startsWith("p") ? v : "PT" + v);
        } catch (RuntimeException e) {
            interval = fallback;
        }
        return interval.toMillis() / 2;
    }
}
