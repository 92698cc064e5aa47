package org.geminipool.keypool.health;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.common.db.DatabaseMigration;
import org.geminipool.keypool.KeyState;
import org.geminipool.keypool.repository.KeySqlRepository;
import org.geminipool.keypool.repository.LimitsRepository;
import org.geminipool.keypool.service.TimeSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Gauges read from the database on a timer: keys by state, exhausted buckets, pools without an active key, retired models. */
@ApplicationScoped
public class KeypoolMetrics {

    @Inject
    MeterRegistry registry;
    @Inject
    KeySqlRepository keys;
    @Inject
    TimeSource time;
    @Inject
    DatabaseMigration migration;

    private final Map<String, AtomicLong> byState = new ConcurrentHashMap<>();
    private final AtomicLong exhausted = new AtomicLong();
    private final AtomicLong emptyPools = new AtomicLong();
    private final AtomicLong retired = new AtomicLong();
    @Inject
    LimitsRepository limits;
    private volatile List<String> poolsWithoutActiveKey = List.of();
    private volatile boolean registered;

    private synchronized void register() {
        if (registered) {
            return;
        }
        for (KeyState s : KeyState.values()) {
            AtomicLong v = new AtomicLong();
            byState.put(s.name(), v);
            registry.gauge("keypool_keys", Tags.of("state", s.name()), v, AtomicLong::get);
        }
        registry.gauge("keypool_buckets_exhausted", exhausted, AtomicLong::get);
        registry.gauge("keypool_pools_without_active_key", emptyPools, AtomicLong::get);
        // (project or everyone, model) pairs Google answered "no longer available" for: routes skip them there.
        registry.gauge("keypool_models_retired", retired, AtomicLong::get);
        registered = true;
    }

    public Uni<Void> refresh() {
        register();
        if (!migration.isMigrated()) {
            return Uni.createFrom().voidItem();
        }
        long now = time.nowMillis();
        return keys.countByState()
                .invoke(counts -> byState.forEach((state, v) -> v.set(counts.getOrDefault(state, 0L))))
                .flatMap(x -> keys.exhaustedBuckets(TimeSource.dayWindow(now), now)).invoke(exhausted::set)
                .flatMap(x -> keys.poolsWithoutActiveKey()).invoke(pools -> {
                    poolsWithoutActiveKey = pools;
                    emptyPools.set(pools.size());
                })
                .flatMap(x -> limits.retiredCount()).invoke(retired::set)
                .replaceWithVoid()
                .onFailure().recoverWithItem((Void) null);
    }

    public List<String> poolsWithoutActiveKey() {
        return poolsWithoutActiveKey;
    }
}
