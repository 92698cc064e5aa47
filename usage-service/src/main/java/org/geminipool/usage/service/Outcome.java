package org.geminipool.usage.service;

/**
 * Outcome of one upstream attempt (design §3 and its 2026 rows): the same names as common's
 * {@code org.geminipool.common.upstream.Outcome}, which the gateway sends; kept equal by {@code OutcomeNamesTest}.
 */
public enum Outcome {
    SUCCESS, QUOTA_EXHAUSTED_DAY, RATE_LIMITED, MODEL_UNAVAILABLE, BILLING_DEPLETED, MODEL_RETIRED, INVALID_KEY,
    PERMISSION_DENIED, PROJECT_DENIED, LOCATION_UNSUPPORTED, OVERLOADED, UPSTREAM_ERROR, CLIENT_ERROR
}
