package org.geminipool.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Meters of the Live API relay (gateway README, "Live API"): {@code gemini_pool_live_sessions_open} (sessions relayed
 * now by this gateway), {@code gemini_pool_live_bytes_relayed_total{direction}} ({@code up} = client to Google,
 * {@code down} = Google to client; frame payload bytes) and {@code gemini_pool_live_sessions_total{result}} (how
 * sessions ended or were refused: a small fixed set of labels).
 */
@ApplicationScoped
public class LiveMetrics {

    @Inject
    MeterRegistry registry;

    private final AtomicInteger open = new AtomicInteger();
    private Counter up;
    private Counter down;
    private final Map<String, Counter> results = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        Gauge.builder("gemini_pool_live_sessions_open", open, AtomicInteger::get)
                .description("Live API sessions this gateway relays now").register(registry);
        up = Counter.builder("gemini_pool_live_bytes_relayed").description("Live API frame bytes relayed")
                .tag("direction", "up").register(registry);
        down = Counter.builder("gemini_pool_live_bytes_relayed").description("Live API frame bytes relayed")
                .tag("direction", "down").register(registry);
    }

    public void opened() {
        open.incrementAndGet();
    }

    public void closed() {
        open.decrementAndGet();
    }

    public int openNow() {
        return open.get();
    }

    public void up(long bytes) {
        up.increment(bytes);
    }

    public void down(long bytes) {
        down.increment(bytes);
    }

    /** A session's result: a close or refusal reason of the gateway's fixed set, else {@code other}. */
    public void result(String result) {
        String r = result != null && result.matches("[a-z_]{1,32}") ? result : "other";
        results.computeIfAbsent(r, k -> Counter.builder("gemini_pool_live_sessions")
                .description("Live API sessions by how they ended or why they were refused")
                .tag("result", r).register(registry)).increment();
    }
}
