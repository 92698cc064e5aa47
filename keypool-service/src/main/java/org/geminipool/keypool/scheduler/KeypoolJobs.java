package org.geminipool.keypool.scheduler;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.config.KeypoolConfig;
import org.geminipool.keypool.repository.LeaseRepository;
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

    @Inject
    JobRunner runner;
    @Inject
    RevalidationService revalidation;
    @Inject
    LeaseRepository leases;
    @Inject
    TimeSource time;
    @Inject
    KeypoolConfig config;
    @Inject
    KeypoolMetrics metrics;

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
                    () -> leases.expireLeases(time.nowMillis()).map(n -> n + " lease(s) expired"));
            default -> throw ApiException.notFound("unknown job " + job + " (" + REVALIDATE + ", " + EXPIRE_LEASES + ")");
        };
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
