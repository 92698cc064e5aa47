package org.geminipool.simulator;

/** How a model ID is retired (gemini-api-2026.md §1.3). */
public enum Retirement {
    /** Shut down: 404 "This model models/X is no longer available. …" for everyone; not listed. */
    SHUTDOWN,
    /**
     * Closed to new projects: 404 "This model models/X is no longer available to new users. …" unless the project is
     * marked legacy; still listed.
     */
    CLOSED_TO_NEW
}
