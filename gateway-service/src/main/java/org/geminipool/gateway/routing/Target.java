package org.geminipool.gateway.routing;

/**
 * One place a request can be served: a keypool pool and a Gemini model ({@code pool} null = any pool serving the
 * model), or OpenRouter with an OpenRouter model id.
 */
public record Target(String pool, String model, String provider) {

    public static final String GOOGLE = "google";
    public static final String OPENROUTER = "openrouter";

    public static Target google(String pool, String model) {
        return new Target(pool, model, GOOGLE);
    }

    public boolean openRouter() {
        return OPENROUTER.equals(provider);
    }

    /** The target half of {@code x-gemini-pool-route}: {@code pool:model}, {@code openrouter:model}, or the model. */
    public String label() {
        if (openRouter()) {
            return "openrouter:" + model;
        }
        return pool == null ? model : pool + ":" + model;
    }
}
