package org.geminipool.keypool.quota;

/**
 * The window limits last resolved for one bucket and the immutable objects they were resolved from (project override,
 * admin row, stored bucket row, sibling hint, family default), so a lease that sees the same objects reuses them
 * instead of resolving three windows again — for every project of a small pool, per lease. The only input that moves
 * by itself is time: a learned limit turns provisional {@link LimitResolver#STALE_AFTER_MS} after it was learned,
 * which ends the reuse ({@link #validUntilMs}).
 */
public record ResolvedLimits(Object override, Object admin, Object stored, Object hint, Object family,
                             long resolvedAtMs, long validUntilMs, WindowLimits limits) {

    public static ResolvedLimits of(Object override, Object admin, Object stored, Object hint, Object family,
                                    long nowMs, WindowLimits limits) {
        long until = Math.min(staleAt(limits.rpm()), Math.min(staleAt(limits.rpd()), staleAt(limits.tpm())));
        return new ResolvedLimits(override, admin, stored, hint, family, nowMs, until, limits);
    }

    /** True when resolving again now, from these objects, would give the same limits. */
    public boolean holdsFor(Object override, Object admin, Object stored, Object hint, Object family, long nowMs) {
        return this.override == override && this.admin == admin && this.stored == stored && this.hint == hint
                && this.family == family && nowMs >= resolvedAtMs && nowMs < validUntilMs;
    }

    /** The first moment this limit would resolve differently: when a fresh learned value turns stale. */
    private static long staleAt(Limit l) {
        if (l.source() == LimitSource.LEARNED && !l.provisional() && l.learnedAtMs() != null) {
            return l.learnedAtMs() + LimitResolver.STALE_AFTER_MS + 1;
        }
        return Long.MAX_VALUE;
    }
}
