package org.geminipool.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics of design §8: {@code gemini_pool_requests_total{route,model,outcome}} per client request and
 * {@code gemini_pool_upstream_latency_seconds{provider,outcome}} per upstream attempt. Label values come from routes
 * and outcomes, never from keys or tokens; an unknown model a client sends is labelled "unknown".
 */
@ApplicationScoped
public class GatewayMetrics {

    @Inject
    MeterRegistry registry;

    /** Meters by label values: built once per combination, not per request (the label sets are small and fixed). */
    private final Map<List<String>, Counter> requests = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> upstreams = new ConcurrentHashMap<>();

    public void request(String route, String model, String outcome) {
        String r = route == null ? "none" : route;
        String m = model == null ? "unknown" : model;
        requests.computeIfAbsent(List.of(r, m, outcome), k -> Counter.builder("gemini_pool_requests")
                .description("client requests by route, model and final outcome")
                .tag("route", r).tag("model", m).tag("outcome", outcome).register(registry)).increment();
    }

    private final Map<String, Counter> skipped = new ConcurrentHashMap<>();

    /**
     * {@code gemini_pool_targets_skipped_total{reason}}: a route target passed over without an upstream call — the
     * keypool's refusal reason (MODEL_RETIRED, MODEL_UNAVAILABLE, DAY_EXHAUSTED, …) or FAMILY_UNRESOLVED. Reasons are
     * a small fixed set; anything else is counted as "other".
     */
    public void targetSkipped(String reason) {
        String r = reason != null && reason.matches("[A-Z_]{1,32}") ? reason : "other";
        skipped.computeIfAbsent(r, k -> Counter.builder("gemini_pool_targets_skipped")
                .description("route targets skipped without an upstream call, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    public void upstream(String provider, String outcome, long nanos) {
        upstreams.computeIfAbsent(List.of(provider, outcome), k -> Timer.builder("gemini_pool_upstream_latency")
                .description("upstream attempts: time to the end of the answer")
                .tag("provider", provider).tag("outcome", outcome).publishPercentileHistogram(false)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
