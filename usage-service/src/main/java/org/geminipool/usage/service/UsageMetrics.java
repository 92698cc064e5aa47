package org.geminipool.usage.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** Prometheus: {@code gemini_pool_usage_events_*_total}. */
@Singleton
public class UsageMetrics {

    private final Counter received;
    private final Counter accepted;
    private final Counter duplicates;
    private final Counter rejectedBatches;
    private final Counter pruned;
    private final Counter refused;

    public UsageMetrics(MeterRegistry registry) {
        received = Counter.builder("gemini_pool.usage.events.received")
                .description("Usage events received in valid batches (including duplicates)").register(registry);
        accepted = Counter.builder("gemini_pool.usage.events.accepted")
                .description("Usage events counted for the first time").register(registry);
        duplicates = Counter.builder("gemini_pool.usage.events.duplicates")
                .description("Usage events ignored because their event id was seen before").register(registry);
        rejectedBatches = Counter.builder("gemini_pool.usage.batches.rejected")
                .description("Event batches rejected as a whole (malformed, too large, or every event invalid; nothing written)").register(registry);
        refused = Counter.builder("gemini_pool.usage.events.refused")
                .description("Usage events refused as invalid (not counted; the rest of their batch was)")
                .register(registry);
        pruned = Counter.builder("gemini_pool.usage.events.pruned")
                .description("Raw usage events deleted by the retention job").register(registry);
    }

    void received(long n) {
        received.increment(n);
    }

    void accepted(long n) {
        accepted.increment(n);
    }

    void duplicates(long n) {
        duplicates.increment(n);
    }

    void rejectedBatch() {
        rejectedBatches.increment();
    }

    void refused(long n) {
        refused.increment(n);
    }

    void pruned(long n) {
        pruned.increment(n);
    }
}
