package org.geminipool.gateway.console;

import java.util.List;

/**
 * One routing rule as shown by the console: its match conditions (empty lists / null when absent; {@code conditions}
 * holds the others in words, e.g. "asks for reasoning") and its targets in the order they are tried.
 */
public record RouteSummary(String name, List<String> keywords, String operation, List<String> models,
                           List<String> conditions, List<Target> targets) {

    public RouteSummary {
        keywords = keywords == null ? List.of() : List.copyOf(keywords);
        models = models == null ? List.of() : List.copyOf(models);
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        targets = targets == null ? List.of() : List.copyOf(targets);
    }

    public RouteSummary(String name, List<String> keywords, String operation, List<String> models,
                        List<Target> targets) {
        this(name, keywords, operation, models, List.of(), targets);
    }

    /** {@code provider} is {@code google} or {@code openrouter}; {@code pool} null means any pool serving the model. */
    public record Target(String provider, String pool, String model) {
        public String label() {
            if ("openrouter".equals(provider)) {
                return "openrouter: " + model;
            }
            return (pool == null ? "any pool" : "pool " + pool) + ": " + model;
        }

        /** How the gateway names this target in usage events: {@code pool:model}, {@code openrouter:model}, or the model. */
        public String usageLabel() {
            if ("openrouter".equals(provider)) {
                return "openrouter:" + model;
            }
            return pool == null ? model : pool + ":" + model;
        }
    }

    /** The match conditions in words. */
    public String matchText() {
        StringBuilder sb = new StringBuilder();
        if (!keywords.isEmpty()) {
            sb.append("latest user message contains any of ").append(String.join(", ", keywords));
        }
        if (operation != null) {
            sb.append(sb.length() > 0 ? "; " : "").append("operation is ").append(operation);
        }
        if (!models.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "").append("model is one of ").append(String.join(", ", models));
        }
        for (String c : conditions) {
            sb.append(sb.length() > 0 ? "; " : "").append(c);
        }
        return sb.length() == 0 ? "no conditions (used only as the default)" : sb.toString();
    }
}
