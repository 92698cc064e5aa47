package org.geminipool.gateway.console;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Stands in for the gateway's route table; one name carries markup to prove it is escaped. */
@ApplicationScoped
public class TestRoutesView implements RoutesView {

    public static final String EVIL_ROUTE = "<script>alert('route')</script>";

    @Override
    public List<RouteSummary> routes() {
        return List.of(
                new RouteSummary("expert", List.of("[专家模式]", "代码重构"), null, List.of(),
                        List.of(new RouteSummary.Target("google", "pro", "gemini-3.1-pro-preview"))),
                new RouteSummary("embedding", List.of(), "embed", List.of(),
                        List.of(new RouteSummary.Target("google", "embedding", "gemini-embedding-001"))),
                new RouteSummary(EVIL_ROUTE, List.of(), null, List.of("evil"),
                        List.of(new RouteSummary.Target("google", null, "gemini-3.8-flash"))),
                new RouteSummary("bulk", List.of(), null, List.of("flash_lite_pool"),
                        List.of(new RouteSummary.Target("google", "flash-lite", "gemini-3.1-flash-lite"),
                                new RouteSummary.Target("openrouter", null, "google/gemini-3.1-flash-lite"))));
    }

    @Override
    public String defaultRoute() {
        return "bulk";
    }

    @Override
    public List<RoutePool> pools() {
        return List.of(new RoutePool("flash-lite", false, true), new RoutePool("pro", false, false),
                new RoutePool("image", true, false));
    }

    @Override
    public String source() {
        return "the test route table";
    }
}
