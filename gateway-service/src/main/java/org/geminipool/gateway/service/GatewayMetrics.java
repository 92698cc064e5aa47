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

    public void upstream(String provider, String outcome, long nanos) {
        upstreams.computeIfAbsent(List.of(provider, outcome), k -> Timer.builder("gemini_pool_upstream_latency")
                .description("upstream attempts: time to the end of the answer")
                .tag("provider", provider).tag("outcome", outcome).publishPercentileHistogram(false)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
