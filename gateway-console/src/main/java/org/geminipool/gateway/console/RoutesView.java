package org.geminipool.gateway.console;

import java.util.List;

/**
 * The routing rules in force, as the console shows them. The gateway-service implements this as an
 * {@code @ApplicationScoped} bean over its route table; without such a bean the Routes page says the rules are not
 * available in this process.
 */
public interface RoutesView {

    /** Rules in match order (first match wins). */
    List<RouteSummary> routes();

    /** The name of the route used when no rule matches, or null. */
    default String defaultRoute() {
        return null;
    }

    /**
     * The pools the routing file declares, with whether direct requests may use them. Empty: the file declares none,
     * so direct requests may use every pool.
     */
    default List<RoutePool> pools() {
        return List.of();
    }

    /** Where the rules come from (a file path, "built-in default"), or null. */
    default String source() {
        return null;
    }
}
