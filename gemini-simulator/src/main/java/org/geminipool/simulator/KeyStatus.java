package org.geminipool.simulator;

/**
 * How the simulated Google treats an API key, with the answer Google gives for each state
 * (/work/shared/reference/gemini-api.md "Errors" and gemini-api-2026.md §2). Keys that were never added are
 * {@link #INVALID}, as at Google. Every state except VALID refuses every route, models.list included.
 */
public enum KeyStatus {
    /** Accepted; subject to the quota of its project. */
    VALID,
    /** 400 INVALID_ARGUMENT "API key not valid. Please pass a valid API key.", ErrorInfo reason API_KEY_INVALID. */
    INVALID,
    /** 403 PERMISSION_DENIED, ErrorInfo reason CONSUMER_SUSPENDED. */
    SUSPENDED,
    /** 400 INVALID_ARGUMENT "API Key not found. Please pass a valid API key.", API_KEY_INVALID [I-nf]. */
    NOT_FOUND,
    /** 400 INVALID_ARGUMENT "API key expired. Please renew the API key.", API_KEY_INVALID [C-exp]. */
    EXPIRED,
    /** 403 PERMISSION_DENIED "Your API key was reported as leaked. Please use another API key.", no details [I-leak]. */
    LEAKED,
    /** 403 PERMISSION_DENIED "Requests to this API … method … are blocked.", ErrorInfo API_KEY_SERVICE_BLOCKED [I-blocked]. */
    SERVICE_BLOCKED,
    /** 401 UNAUTHENTICATED, ErrorInfo ACCESS_TOKEN_TYPE_UNSUPPORTED (a refused key kind) [P-401, I-kilo]. */
    TOKEN_TYPE_UNSUPPORTED
}
