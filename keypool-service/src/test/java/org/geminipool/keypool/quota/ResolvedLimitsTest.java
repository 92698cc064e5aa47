package org.geminipool.keypool.quota;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResolvedLimitsTest {

    private static final long DAY = LimitResolver.STALE_AFTER_MS;
    private final Object override = new Object(), admin = new Object(), stored = new Object(), hint = new Object(),
            family = new Object();

    private static WindowLimits learnedRpmAt(long learnedAt, long now) {
        return new WindowLimits(LimitResolver.resolve(new LimitInputs(null, null, 15L, learnedAt, null, null, 10L), now),
                LimitResolver.resolve(new LimitInputs(null, 1500L, null, null, null, null, null), now), Limit.UNKNOWN);
    }

    @Test
    void reusedOnlyForTheSameObjects() {
        long now = 1_000_000;
        ResolvedLimits r = ResolvedLimits.of(override, admin, stored, hint, family, now, learnedRpmAt(now, now));
        assertTrue(r.holdsFor(override, admin, stored, hint, family, now + 1));
        // a reloaded catalog or a new bucket row brings new objects, even with equal contents
        assertFalse(r.holdsFor(new Object(), admin, stored, hint, family, now));
        assertFalse(r.holdsFor(override, null, stored, hint, family, now));
        assertFalse(r.holdsFor(override, admin, new Object(), hint, family, now));
        assertFalse(r.holdsFor(override, admin, stored, null, family, now));
        assertFalse(r.holdsFor(override, admin, stored, hint, new Object(), now));
    }

    @Test
    void aFreshLearnedLimitIsReusedUntilTheMomentItWouldTurnProvisional() {
        long learnedAt = 5_000, now = learnedAt + 10;
        WindowLimits fresh = learnedRpmAt(learnedAt, now);
        assertFalse(fresh.rpm().provisional());
        ResolvedLimits r = ResolvedLimits.of(override, admin, stored, hint, family, now, fresh);

        long lastFresh = learnedAt + DAY;
        assertFalse(learnedRpmAt(learnedAt, lastFresh).rpm().provisional());
        assertTrue(r.holdsFor(override, admin, stored, hint, family, lastFresh));
        assertTrue(learnedRpmAt(learnedAt, lastFresh + 1).rpm().provisional(), "resolving now would differ");
        assertFalse(r.holdsFor(override, admin, stored, hint, family, lastFresh + 1), "so it is not reused");
    }

    @Test
    void limitsThatDoNotAgeAreReusedAnyTimeLaterButNotBeforeTheyWereResolved() {
        long learnedAt = 5_000, now = learnedAt + 2 * DAY; // already stale: stays so
        WindowLimits stale = learnedRpmAt(learnedAt, now);
        assertTrue(stale.rpm().provisional());
        ResolvedLimits r = ResolvedLimits.of(override, admin, stored, hint, family, now, stale);
        assertEquals(Long.MAX_VALUE, r.validUntilMs());
        assertTrue(r.holdsFor(override, admin, stored, hint, family, now + 365 * DAY));
        // a clock set back (tests shift it; NTP may) could make the learned value fresh again: resolve anew
        assertFalse(r.holdsFor(override, admin, stored, hint, family, now - 1));
    }
}
