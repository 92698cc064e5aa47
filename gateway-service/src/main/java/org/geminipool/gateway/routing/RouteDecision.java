package org.geminipool.gateway.routing;

import java.util.List;

/** The route chosen for one request and the targets to try, in order. */
public record RouteDecision(String route, List<Target> targets) {

    /** Route name used when the client named a concrete model that no rule claims. */
    public static final String DIRECT = "direct";

    public String header(Target target) {
        return route + "/" + target.label();
    }
}
