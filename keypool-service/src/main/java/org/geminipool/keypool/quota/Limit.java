package org.geminipool.keypool.quota;

/**
 * The effective limit of one window. {@code value} null = no local limit. A {@code provisional} limit (a family
 * default, a sibling's hint, or a learned value older than a day) may be exceeded by one call per window and Pacific
 * day, so that a raised limit is found: Google's answer to that call decides.
 */
public record Limit(Long value, boolean provisional, LimitSource source, Long learnedAtMs) {

    public static final Limit UNKNOWN = new Limit(null, false, LimitSource.UNKNOWN, null);

    /** The value bound into the reservation statement: no limit is a number no bucket reaches. */
    public long bound() {
        return value == null ? Long.MAX_VALUE / 4 : value;
    }

    /** Room for {@code amount} more on top of {@code used}, counting the one probe allowed today when provisional. */
    public boolean allows(long used, long amount, boolean probedToday) {
        if (value == null) {
            return true;
        }
        return used + amount <= value || (provisional && !probedToday);
    }

    /** True when this reservation goes above a provisional value (a probe). */
    public boolean probes(long used, long amount) {
        return value != null && provisional && used + amount > value;
    }
}
