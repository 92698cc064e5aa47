package org.geminipool.contract.lease;

/** The keypool's 429 body: why no key can serve the (pool, model) now, and when one frees up. */
public record LeaseRefusal(String reason, long retryAfterSeconds) {
}
