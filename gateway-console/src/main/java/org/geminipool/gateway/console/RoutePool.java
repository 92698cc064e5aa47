package org.geminipool.gateway.console;

/**
 * A pool declared in the routing file, as the console's Routes page shows it: {@code direct} says whether direct
 * requests (a concrete model named that no rule claims) may use its keys; {@code paid} marks keys of paid projects.
 */
public record RoutePool(String name, boolean paid, boolean direct) {
}
