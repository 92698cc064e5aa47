package org.geminipool.gateway.metrics;

import org.geminipool.contract.ModelNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.geminipool.gateway.routing.RouteRule;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.routing.Routes;
import org.geminipool.gateway.routing.Target;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics of design §8: {@code gemini_pool_requests_total{route,model,outcome}} per client request and
 * {@code gemini_pool_upstream_latency_seconds{provider,outcome}} per upstream attempt. Label values come from routes
 * and outcomes, never from keys or tokens. Label values are bounded: {@code model} is a model the routes in force
 * name, one the upstream listed or served, or else {@code other} (a client sending random names creates no series;
 * no model at all is {@code unknown}).
 */
@ApplicationScoped
public class GatewayMetrics {

    @Inject
    MeterRegistry registry;

    /** Meters by label values: built once per combination, not per request (the label sets are small and fixed). */
    private final Map<List<String>, Counter> requests = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> upstreams = new ConcurrentHashMap<>();

    /** Label of a model that is neither in the routes in force nor known from the upstream. */
    public static final String OTHER_MODEL = "other";
    /** Most models learned from the upstream (its lists and its answers); beyond, new names are labelled other. */
    static final int MAX_LEARNED_MODELS = 1000;

    @Inject
    RouteTable routeTable;

    private final Set<String> learnedModels = ConcurrentHashMap.newKeySet();
    private volatile Routes modelsOf;
    private volatile Set<String> routeModels = Set.of();

    public void request(String route, String model, String outcome) {
        String r = route == null ? "none" : route;
        if (model != null && "SUCCESS".equals(outcome)) {
            learnModel(model);
        }
        String m = model == null ? "unknown" : modelLabel(model);
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

    /** Model names the upstream listed (models list answers): they label their own series from now on. */
    public void learnModels(Iterable<String> names) {
        for (String n : names) {
            learnModel(n);
        }
    }

    private void learnModel(String name) {
        if (name != null && ModelNames.valid(name) && learnedModels.size() < MAX_LEARNED_MODELS) {
            learnedModels.add(ModelNames.bare(name));
        }
    }

    String modelLabel(String model) {
        String bare = ModelNames.valid(model) ? ModelNames.bare(model) : model;
        if (learnedModels.contains(bare) || routeModels().contains(bare)) {
            return bare;
        }
        return OTHER_MODEL;
    }

    /** Every model a target of the routes in force names (recomputed when the routes are replaced or reloaded). */
    private Set<String> routeModels() {
        Routes current = routeTable.current();
        if (current != modelsOf) {
            Set<String> models = new HashSet<>();
            for (RouteRule rule : current.rules()) {
                for (Target t : rule.targets()) {
                    if (t.model() != null) {
                        models.add(t.model().startsWith("models/") ? t.model().substring(7) : t.model());
                    }
                }
            }
            routeModels = Set.copyOf(models);
            modelsOf = current;
        }
        return routeModels;
    }

    public void upstream(String provider, String outcome, long nanos) {
        upstreams.computeIfAbsent(List.of(provider, outcome), k -> Timer.builder("gemini_pool_upstream_latency")
                .description("upstream attempts: time to the end of the answer")
                .tag("provider", provider).tag("outcome", outcome).publishPercentileHistogram(false)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }
}
