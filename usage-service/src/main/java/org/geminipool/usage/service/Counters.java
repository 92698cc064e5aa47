package org.geminipool.usage.service;

import org.geminipool.usage.UsageCounts;

/** The counters of an aggregate row or a total, as answered by the query routes. */
public record Counters(
        long requests,
        long successes,
        long rateLimited,
        long dayExhausted,
        long invalidOrDenied,
        long upstreamErrors,
        long clientErrors,
        long promptTokens,
        long completionTokens,
        long thoughtTokens,
        long totalLatencyMs) {

    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Column names, in CSV order. */
    public static final String[] NAMES = {"requests", "successes", "rateLimited", "dayExhausted", "invalidOrDenied",
            "upstreamErrors", "clientErrors", "promptTokens", "completionTokens", "thoughtTokens", "totalLatencyMs"};

    public static Counters of(UsageCounts c) {
        return new Counters(c.requests, c.successes, c.rateLimited, c.dayExhausted, c.invalidOrDenied,
                c.upstreamErrors, c.clientErrors, c.promptTokens, c.completionTokens, c.thoughtTokens, c.totalLatencyMs);
    }

    /** From {@code row[offset..offset+10]} (sums from a query; null when nothing was summed). */
    public static Counters of(Object[] row, int offset) {
        long[] v = new long[11];
        for (int i = 0; i < v.length; i++) {
            Object o = row[offset + i];
            v[i] = o == null ? 0 : ((Number) o).longValue();
        }
        return new Counters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]);
    }

    public Counters plus(Counters o) {
        return new Counters(requests + o.requests, successes + o.successes, rateLimited + o.rateLimited,
                dayExhausted + o.dayExhausted, invalidOrDenied + o.invalidOrDenied, upstreamErrors + o.upstreamErrors,
                clientErrors + o.clientErrors, promptTokens + o.promptTokens, completionTokens + o.completionTokens,
                thoughtTokens + o.thoughtTokens, totalLatencyMs + o.totalLatencyMs);
    }

    /** Values in {@link #NAMES} order. */
    public long[] values() {
        return new long[]{requests, successes, rateLimited, dayExhausted, invalidOrDenied, upstreamErrors, clientErrors,
                promptTokens, completionTokens, thoughtTokens, totalLatencyMs};
    }
}
