package org.geminipool.usage.service;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.common.db.DatabaseMigration;
import org.geminipool.usage.config.UsageConfig;
import org.geminipool.usage.repository.UsageEventRepository;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Deletes raw events received more than the retention period ago, in bounded batches ({@code DELETE … LIMIT n},
 * at most a configured number of statements per run, each its own short transaction). Aggregates are never pruned.
 * Running on several replicas at once is harmless: each delete removes what is there.
 */
@ApplicationScoped
public class RetentionService {

    private static final Logger LOG = Logger.getLogger(RetentionService.class);

    @Inject
    UsageConfig config;

    @Inject
    UsageEventRepository events;

    @Inject
    UsageMetrics metrics;

    @Inject
    DatabaseMigration migration;

    @Inject
    StoredResponses stored;

    Clock clock = Clock.systemUTC();

    /** What one run did: rows deleted, and whether it stopped at the per-run cap with old rows possibly left. */
    public record PruneResult(long deleted, int statements, boolean capped) {
    }

    @Scheduled(identity = "usage-retention-prune", every = "${gemini-pool.usage.prune.every}", delayed = "${gemini-pool.usage.prune.delay:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledPrune() {
        if (!migration.isMigrated()) {
            return Uni.createFrom().voidItem();
        }
        return prune().onItem().invoke(r -> {
            if (r.deleted() > 0) {
                LOG.infof("retention: deleted %d raw usage event(s)%s", r.deleted(),
                        r.capped() ? " (per-run cap reached; the rest goes next run)" : "");
            }
        }).onFailure().invoke(e -> LOG.warnf("retention run failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** One retention run. */
    public Uni<PruneResult> prune() {
        LocalDateTime cutoff = LocalDateTime.ofInstant(
                clock.instant().minus(Duration.ofDays(config.usage().retentionDays())), ZoneOffset.UTC);
        return step(cutoff, new PruneResult(0, 0, false));
    }

    private Uni<PruneResult> step(LocalDateTime cutoff, PruneResult sofar) {
        int batch = config.usage().prune().batchSize();
        if (sofar.statements() >= config.usage().prune().maxBatches()) {
            return Uni.createFrom().item(new PruneResult(sofar.deleted(), sofar.statements(), true));
        }
        return events.deleteReceivedBefore(cutoff, batch).flatMap(n -> {
            metrics.pruned(n);
            PruneResult next = new PruneResult(sofar.deleted() + n, sofar.statements() + 1, false);
            return n < batch ? pruneStored(next) : step(cutoff, next);
        });
    }

    /** Expired stored responses (the Responses door's store), in the same bounded batches (not counted above). */
    private Uni<PruneResult> pruneStored(PruneResult result) {
        return pruneStored(result, 0);
    }

    private Uni<PruneResult> pruneStored(PruneResult result, int statements) {
        int batch = config.usage().prune().batchSize();
        if (statements >= config.usage().prune().maxBatches()) {
            return Uni.createFrom().item(result);
        }
        return stored.deleteExpired(batch).flatMap(n -> n < batch ? Uni.createFrom().item(result)
                : pruneStored(result, statements + 1));
    }
}
