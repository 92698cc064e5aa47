package org.geminipool.gateway.routing;

import java.util.List;

/**
 * One place a request can be served: a keypool pool and a Gemini model ({@code pool} null = any pool serving the
 * model), or OpenRouter with an OpenRouter model id. Options applied to the request body on the way up:
 * {@code addTools} (e.g. {@code googleSearch}) and a {@code thinkingBudget} override. {@code paid} marks a target
 * whose pool is declared {@code paid} (keys without free-tier quota; their limits are project overrides in keypool).
 */
public record Target(String pool, String model, String provider, List<String> addTools, Integer thinkingBudget,
                     boolean paid) {

    public static final String GOOGLE = "google";
    public static final String OPENROUTER = "openrouter";
    public static final String GOOGLE_SEARCH = "googleSearch";

    public Target {
        addTools = addTools == null ? List.of() : List.copyOf(addTools);
    }

    public Target(String pool, String model, String provider) {
        this(pool, model, provider, List.of(), null, false);
    }

    public static Target google(String pool, String model) {
        return new Target(pool, model, GOOGLE);
    }

    public boolean openRouter() {
        return OPENROUTER.equals(provider);
    }

    public boolean addsGoogleSearch() {
        return addTools.contains(GOOGLE_SEARCH);
    }

    /** True when the body sent upstream differs from the client's (a tool added or the thinking budget set). */
    public boolean rewritesBody() {
        return !addTools.isEmpty() || thinkingBudget != null;
    }

    /** The target half of {@code x-gemini-pool-route}: {@code pool:model}, {@code openrouter:model}, or the model. */
    public String label() {
        if (openRouter()) {
            return "openrouter:" + model;
        }
        return pool == null ? model : pool + ":" + model;
    }
}
