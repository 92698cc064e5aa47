package org.geminipool.gateway.upstream;

/** How an upstream attempt ended, as reported to the keypool (design §3). */
public enum Outcome {
    SUCCESS, QUOTA_EXHAUSTED_DAY, RATE_LIMITED, INVALID_KEY, PERMISSION_DENIED, UPSTREAM_ERROR, CLIENT_ERROR;

    /** True when another key (or target) may serve the same request. */
    public boolean retryable() {
        return this != SUCCESS && this != CLIENT_ERROR;
    }
}
