package org.geminipool.keypool.quota;

/** The three effective limits of a (project, model): requests per minute, per Pacific day, input tokens per minute. */
public record WindowLimits(Limit rpm, Limit rpd, Limit tpm) {

    /** No limit is known at all: the model is leasable at once, and Google's first 429 teaches one. */
    public static final WindowLimits NONE = new WindowLimits(Limit.UNKNOWN, Limit.UNKNOWN, Limit.UNKNOWN);

    /** A hard zero in the day window: the model has no quota for this project (Google said {@code limit: 0}). */
    public boolean parked() {
        return isZero(rpd) || isZero(rpm);
    }

    private static boolean isZero(Limit l) {
        return l.value() != null && l.value() == 0 && !l.provisional();
    }
}
