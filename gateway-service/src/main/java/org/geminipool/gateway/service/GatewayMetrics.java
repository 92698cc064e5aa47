package org.geminipool.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Prometheus metrics of design §8: {@code gemini_pool_requests_total{route,model,outcome}} per client request and
 * {@code gemini_pool_upstream_latency_seconds{provider,outcome}} per upstream attempt. Label values come from routes
 * and outcomes, never from keys or tokens; an unknown model a client sends is labelled "unknown".
 */
@ApplicationScoped
public class GatewayMetrics {

    @Inject
    MeterRegistry registry;

    public void request(String route, String model, String outcome) {
        Counter.builder("gemini_pool_requests").description("client requests by route, model and final outcome")
                .tag("route", route == null ? "none" : route).tag("model", model == null ? "unknown" : model)
                .tag("outcome", outcome).register(registry).increment();
    }

    public void upstream(String provider, String outcome, long nanos) {
        Timer.builder("gemini_pool_upstream_latency").description("upstream attempts: time to the end of the answer")
                .tag("provider", provider).tag("outcome", outcome).publishPercentileHistogram(false)
                .register(registry).record(Duration.ofNanos(nanos));
    }
}
