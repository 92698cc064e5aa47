package org.geminipool.keypool.quota;

/**
 * Resolves one window's limit (design §3): project override → admin row for the model → learned from this project's
 * 429s → a sibling project's learned value (same tier) → family default → unknown. First hit wins. A learned value
 * older than {@link #STALE_AFTER_MS} becomes provisional, as are siblings' values and family defaults, so that one call a
 * day may find a raised limit; a limit Google named is never stale for the rest of its day.
 */
public final class LimitResolver {

    public static final long STALE_AFTER_MS = 24L * 3600 * 1000;

    private LimitResolver() {
    }

    public static Limit resolve(LimitInputs in, long nowMs) {
        if (in.override() != null) {
            return new Limit(in.override(), false, LimitSource.OVERRIDE, null);
        }
        if (in.admin() != null) {
            return new Limit(in.admin(), false, LimitSource.ADMIN, null);
        }
        if (in.learned() != null) {
            if (in.learned() < 0) {
                return new Limit(null, false, LimitSource.RAISED, in.learnedAtMs());
            }
            boolean stale = in.learnedAtMs() == null || nowMs - in.learnedAtMs() > STALE_AFTER_MS;
            return new Limit(in.learned(), stale, LimitSource.LEARNED, in.learnedAtMs());
        }
        if (in.sibling() != null && in.sibling() >= 0) {
            return new Limit(in.sibling(), true, LimitSource.SIBLING, in.siblingAtMs());
        }
        if (in.family() != null) {
            return new Limit(in.family(), true, LimitSource.FAMILY, null);
        }
        return Limit.UNKNOWN;
    }
}
