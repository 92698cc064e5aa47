package org.geminipool.keypool.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.keypool.config.KeypoolConfig;
import org.geminipool.keypool.quota.LiveBucket;
import org.geminipool.keypool.repository.LeaseRepository;
import org.geminipool.keypool.snapshot.Catalog;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's {@link LiveBucket}s and the give-back tick: every half idle interval, units of a block that was not
 * used for {@code GEMINI_POOL_QUOTA_BLOCK_IDLE} (or whose minute ended) go back to the row with one UPDATE, so another
 * replica is not refused while capacity sits idle here; tokens of leases served from blocks are added the same way.
 */
@ApplicationScoped
public class QuotaBlocks {

    private static final Logger LOG = Logger.getLogger(QuotaBlocks.class);

    record Id(long projectId, String quotaModel) {
    }

    @Inject
    LeaseRepository repository;
    @Inject
    KeypoolConfig config;
    @Inject
    TimeSource time;
    @Inject
    Vertx vertx;

    private final Map<Id, LiveBucket> buckets = new ConcurrentHashMap<>();
    private long timer = -1;

    void start(@Observes StartupEvent event) {
        long every = Math.max(10, config.quotaBlockIdle().toMillis() / 2);
        timer = vertx.setPeriodic(every, id -> drain(false));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The live bucket, created from the catalog's row on first use. */
    public LiveBucket of(long projectId, String quotaModel, Catalog catalog) {
        Id key = new Id(projectId, quotaModel);
        LiveBucket known = buckets.get(key);
        if (known != null) {
            return known; // the common case: no capturing lambda per project and lease
        }
        return buckets.computeIfAbsent(key, id -> {
            LiveBucket b = new LiveBucket();
            var row = catalog.bucket(projectId, quotaModel);
            if (row != null) {
                b.observed(row.minuteWindow(), row.minuteUsed(), row.dayWindow(), row.dayUsed(), row.tpmWindow(),
                        row.tpmUsed());
            }
            return b;
        });
    }

    /** The counts of a fresh catalog (the database's, other replicas' reservations included). */
    public void refresh(Catalog catalog) {
        buckets.forEach((id, b) -> {
            var row = catalog.bucket(id.projectId(), id.quotaModel());
            if (row != null) {
                b.observed(row.minuteWindow(), row.minuteUsed(), row.dayWindow(), row.dayUsed(), row.tpmWindow(),
                        row.tpmUsed());
            }
        });
    }

    /** Hands back idle blocks ({@code all}: every block, e.g. after the limits changed). */
    public void drain(boolean all) {
        long now = time.nowMillis();
        long minute = TimeSource.minuteWindow(now);
        long idle = config.quotaBlockIdle().toMillis();
        buckets.forEach((id, b) -> {
            if (!b.holding()) {
                return;
            }
            LiveBucket.GiveBack back = b.drain(now, idle, minute, all);
            if (back.isEmpty()) {
                return;
            }
            repository.giveBack(id.projectId(), id.quotaModel(), back.minute(), back.day(), back.units(),
                            back.tokensMinute(), back.tokens())
                    .subscribe().with(v -> { }, e -> LOG.debugf("block of %s not given back: %s", id, e.toString()));
        });
    }

    /** The bucket if this replica has used it (null otherwise). */
    public LiveBucket existing(long projectId, String quotaModel) {
        return buckets.get(new Id(projectId, quotaModel));
    }

    /** Drops this bucket's block now (its state changed: cooldown, day spent, a limit learned). */
    public void release(long projectId, String quotaModel) {
        LiveBucket b = buckets.get(new Id(projectId, quotaModel));
        if (b == null) {
            return;
        }
        long now = time.nowMillis();
        LiveBucket.GiveBack back = b.drain(now, 0, TimeSource.minuteWindow(now), true);
        if (!back.isEmpty()) {
            repository.giveBack(projectId, quotaModel, back.minute(), back.day(), back.units(), back.tokensMinute(),
                    back.tokens()).subscribe().with(v -> { }, e -> { });
        }
    }
}
