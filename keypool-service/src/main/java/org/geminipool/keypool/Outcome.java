package org.geminipool.keypool;

/** How an upstream call on a leased key ended (design §3 table), plus EXPIRED for leases never settled. */
public enum Outcome {
    SUCCESS, QUOTA_EXHAUSTED_DAY, RATE_LIMITED, INVALID_KEY, PERMISSION_DENIED, UPSTREAM_ERROR, CLIENT_ERROR, EXPIRED
}
