package org.geminipool.simulator;

/** Which of Google's two 503 UNAVAILABLE messages an injected 503 carries (gemini-api-2026.md §0 [I-503]). */
public enum UnavailableText {
    /** "This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later." (2026, the default) */
    HIGH_DEMAND,
    /** "The model is overloaded. Please try again later." (2025) */
    OVERLOADED
}
