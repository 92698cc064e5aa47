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

    public UsageMetrics(MeterRegistry registry) {
        received = Counter.builder("gemini_pool.usage.events.received")
                .description("Usage events received in valid batches (including duplicates)").register(registry);
        accepted = Counter.builder("gemini_pool.usage.events.accepted")
                .description("Usage events counted for the first time").register(registry);
        duplicates = Counter.builder("gemini_pool.usage.events.duplicates")
                .description("Usage events ignored because their event id was seen before").register(registry);
        rejectedBatches = Counter.builder("gemini_pool.usage.batches.rejected")
                .description("Event batches rejected as invalid (4xx, nothing written)").register(registry);
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

    void pruned(long n) {
        pruned.increment(n);
    }
}
