package org.geminipool.gateway.routing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.console.RouteSummary;
import org.geminipool.gateway.console.RoutesView;

import java.util.ArrayList;
import java.util.List;

/**
 * The console's Routes page over the route table in force (design §5): the rules as loaded now (after any reload of
 * GEMINI_POOL_ROUTES), their conditions in words and their targets in the order the attempt loop tries them.
 */
@ApplicationScoped
public class GatewayRoutesView implements RoutesView {

    @Inject
    RouteTable table;

    @Inject
    GatewayConfig config;

    @Override
    public List<RouteSummary> routes() {
        List<RouteSummary> out = new ArrayList<>();
        for (RouteRule rule : table.current().rules()) {
            List<RouteSummary.Target> targets = rule.targets().stream()
                    .map(t -> new RouteSummary.Target(t.openRouter() ? Target.OPENROUTER : Target.GOOGLE, t.pool(),
                            t.model()))
                    .toList();
            out.add(new RouteSummary(rule.name(), rule.keywords(), rule.operation(), rule.models(), conditions(rule),
                    targets));
        }
        return out;
    }

    @Override
    public String defaultRoute() {
        return table.current().defaultRoute();
    }

    @Override
    public List<org.geminipool.gateway.console.RoutePool> pools() {
        return table.current().pools().stream()
                .map(p -> new org.geminipool.gateway.console.RoutePool(p.name(), p.paid(), p.direct())).toList();
    }

    @Override
    public String source() {
        return config.routes().filter(s -> !s.isBlank()).orElse("the built-in default routes");
    }

    /** The conditions RouteSummary has no field for, in words. */
    static List<String> conditions(RouteRule rule) {
        List<String> out = new ArrayList<>();
        if (rule.longContextTokens() != null) {
            out.add("more than " + rule.longContextTokens() + " estimated prompt tokens");
        }
        if (rule.thinking() != null) {
            out.add(rule.thinking() ? "asks for reasoning" : "does not ask for reasoning");
        }
        if (rule.webSearch() != null) {
            out.add(rule.webSearch() ? "asks for web search" : "does not ask for web search");
        }
        if (rule.image() != null) {
            out.add(rule.image() ? "asks for an image" : "does not ask for an image");
        }
        if (rule.readsParameters()) {
            out.add("only for requests naming an alias or no model (a concrete model gets that model)");
        }
        if (rule.header() != null) {
            out.add("header x-gemini-pool-route: " + rule.header() + " from an allowed client token");
        }
        return out;
    }
}
