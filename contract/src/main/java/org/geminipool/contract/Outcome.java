package org.geminipool.contract;

/**
 * How one upstream call on a leased key ended (design §3 and its 2026 table in the gateway README), as the gateway
 * reports it to the keypool and to usage. One enum for all three services.
 */
public enum Outcome {
    /** 2xx. */
    SUCCESS,
    /** 429 per-day quota: the (project, quota model) is spent until Pacific midnight. */
    QUOTA_EXHAUSTED_DAY,
    /** 429 per-minute requests or input tokens, or a 429 without details: the bucket cools down. */
    RATE_LIMITED,
    /** 429 with {@code limit: 0}: the model has no quota on this project's tier; the project is parked for it. */
    MODEL_UNAVAILABLE,
    /** 429 "prepayment credits are depleted": the project's billing is down until funded. */
    BILLING_DEPLETED,
    /** 404 "no longer available (to new users)": the model is retired for this project (or for everyone). */
    MODEL_RETIRED,
    /** The key itself is dead: API_KEY_INVALID (invalid, not found, expired), any 401, "reported as leaked". */
    INVALID_KEY,
    /** The key is refused for this API: API_KEY_SERVICE_BLOCKED. */
    PERMISSION_DENIED,
    /** The project is dead until an admin acts or a probe passes: CONSUMER_SUSPENDED, SERVICE_DISABLED, denied. */
    PROJECT_DENIED,
    /** 400 FAILED_PRECONDITION "User location is not supported": the gateway's egress, no key's fault. */
    LOCATION_UNSUPPORTED,
    /** 503 UNAVAILABLE (overloaded, high demand): transient, retried elsewhere, not counted against the key. */
    OVERLOADED,
    /** 408, other 5xx, timeouts, connection errors: a strike on the key. */
    UPSTREAM_ERROR,
    /** The client's fault (bad request, unknown model, another project's object): returned, never the key's. */
    CLIENT_ERROR,
    /** A lease never settled, closed by the keypool's expiry job (still counted). */
    EXPIRED;

    /** True when another key or target may serve the same request. */
    public boolean retryable() {
        return switch (this) {
            case SUCCESS, CLIENT_ERROR, LOCATION_UNSUPPORTED, EXPIRED -> false;
            default -> true;
        };
    }

    /** True when the answer says something about the key or its project (the keypool changes state). */
    public boolean settlesKeyState() {
        return this != CLIENT_ERROR && this != LOCATION_UNSUPPORTED && this != OVERLOADED && this != EXPIRED;
    }
}
