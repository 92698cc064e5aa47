package org.geminipool.simulator.internal;

/**
 * The limits of one (project, quota model): requests per fixed minute, requests per Pacific day, and input (prompt)
 * tokens per fixed minute. {@code tpm} {@value #UNLIMITED} means no token limit.
 */
public record Quota(int rpm, int rpd, int tpm) {

    public static final int UNLIMITED = -1;

    public boolean tokensLimited() {
        return tpm != UNLIMITED;
    }
}
