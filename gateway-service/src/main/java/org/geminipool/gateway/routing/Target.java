package org.geminipool.gateway.routing;

import java.util.List;

/**
 * One place a request can be served: a keypool pool and a Gemini model ({@code pool} null = any pool serving the
 * model), or OpenRouter with an OpenRouter model id. Options applied to the request body on the way up:
 * {@code addTools} (e.g. {@code googleSearch}) and a {@code thinkingBudget} override. {@code paid} marks a target
 * whose pool is declared {@code paid} (keys without free-tier quota; their limits are project overrides in keypool).
 * {@code family} instead of a model names a model family resolved from the upstream's models list (newest stable, a
 * preview only when no stable exists), so routes follow Google's renames; {@code thinkingLevel} sets Gemini 3's
 * thinking level (never together with a budget: Google refuses both).
 */
public record Target(String pool, String model, String provider, List<String> addTools, Integer thinkingBudget,
                     boolean paid, String family, String thinkingLevel) {

    public static final String GOOGLE = "google";
    public static final String OPENROUTER = "openrouter";
    public static final String GOOGLE_SEARCH = "googleSearch";

    public Target {
        addTools = addTools == null ? List.of() : List.copyOf(addTools);
    }

    public Target(String pool, String model, String provider, List<String> addTools, Integer thinkingBudget,
                  boolean paid) {
        this(pool, model, provider, addTools, thinkingBudget, paid, null, null);
    }

    public Target(String pool, String model, String provider) {
        this(pool, model, provider, List.of(), null, false);
    }

    /** True when the model is a family ({@code family: flash-lite}) resolved from the upstream's models list. */
    public boolean byFamily() {
        return family != null;
    }

    /** This target with the family resolved to a concrete model ID. */
    public Target resolvedTo(String concreteModel) {
        return new Target(pool, concreteModel, provider, addTools, thinkingBudget, paid, family, thinkingLevel);
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
        return !addTools.isEmpty() || thinkingBudget != null || thinkingLevel != null;
    }

    /** The target half of {@code x-gemini-pool-route}: {@code pool:model}, {@code openrouter:model}, or the model. */
    public String label() {
        if (openRouter()) {
            return "openrouter:" + model;
        }
        String m = model == null ? "family:" + family : model;
        return pool == null ? m : pool + ":" + m;
    }
}
