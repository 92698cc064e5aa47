package org.geminipool.usage.service;

/** Outcome of one upstream attempt (design §3). */
public enum Outcome {
    SUCCESS, QUOTA_EXHAUSTED_DAY, RATE_LIMITED, INVALID_KEY, PERMISSION_DENIED, UPSTREAM_ERROR, CLIENT_ERROR
}
