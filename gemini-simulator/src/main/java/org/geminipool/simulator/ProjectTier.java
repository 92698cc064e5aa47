package org.geminipool.simulator;

/**
 * The billing tier of a simulated project. It picks the default limits (free-tier or paid table, README "Quotas") and
 * the quotaIds of its 429s ({@code …-FreeTier} only on FREE). Projects are FREE unless set otherwise.
 */
public enum ProjectTier {
    FREE,
    PAID
}
