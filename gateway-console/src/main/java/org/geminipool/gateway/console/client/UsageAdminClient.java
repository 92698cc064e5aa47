package org.geminipool.gateway.console.client;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.console.ConsoleSettings;
import org.geminipool.gateway.console.client.AdminModels.DailyUsage;
import org.geminipool.gateway.console.client.AdminModels.HourlyUsage;
import org.geminipool.gateway.console.client.AdminModels.RouteUsage;
import org.geminipool.gateway.console.client.AdminModels.UsageSummary;

/** usage-service's query API with the admin token (GEMINI_POOL_USAGE_URL). Blocking; call from worker threads. */
@ApplicationScoped
public class UsageAdminClient {

    private static final String JSON = "application/json";
    private static final String CSV = "text/csv";

    @Inject
    ConsoleSettings settings;

    private Backend backend;
    private UsageAdminApi api;

    @PostConstruct
    void init() {
        backend = new Backend("usage-service", settings.usageUrl());
        api = backend.build(UsageAdminApi.class, settings.backendTimeout());
    }

    private String auth() {
        return Backend.auth(settings.adminToken());
    }

    /** Per key and model for one Pacific day (null = today). */
    public DailyUsage daily(String date) {
        return backend.read(backend.call("GET /usage/daily", () -> api.daily(auth(), JSON, date, null, null)),
                DailyUsage.class);
    }

    /** Per client token and model for one Pacific day (null = today). */
    public DailyUsage clients(String date) {
        return backend.read(backend.call("GET /usage/clients", () -> api.clients(auth(), JSON, date)),
                DailyUsage.class);
    }

    /** One entry per day of the range (null = usage-service's defaults). */
    public UsageSummary summary(String from, String to) {
        return backend.read(backend.call("GET /usage/summary", () -> api.summary(auth(), from, to)),
                UsageSummary.class);
    }

    /** One entry per UTC hour of the last {@code hours} hours (the current one last), from the raw events. */
    public HourlyUsage hourly(int hours) {
        return backend.read(backend.call("GET /usage/hourly", () -> api.hourly(auth(), hours)), HourlyUsage.class);
    }

    /** Per route and target for one Pacific day (null = today), from the raw events. */
    public RouteUsage routes(String date) {
        return backend.read(backend.call("GET /usage/routes", () -> api.routes(auth(), date)), RouteUsage.class);
    }

    public String dailyCsv(String date) {
        return backend.call("GET /usage/daily (CSV)", () -> api.daily(auth(), CSV, date, null, null));
    }

    public String clientsCsv(String date) {
        return backend.call("GET /usage/clients (CSV)", () -> api.clients(auth(), CSV, date));
    }
}
