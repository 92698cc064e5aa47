package org.geminipool.keypool.quota;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica's block: served from memory within its window, handed back when idle or when the window ends. */
class LiveBucketTest {

    @Test
    void aBlockServesItsUnitsAndThenIsEmpty() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 4, 0, 1_000);
        assertEquals(4, b.minuteUsedIn(100));
        assertEquals(4, b.dayUsedIn(7));
        assertEquals(3, b.blockLeft(100, 7));
        assertTrue(b.take(100, 7, 0, 1_001));
        assertTrue(b.take(100, 7, 0, 1_002));
        assertTrue(b.take(100, 7, 0, 1_003));
        assertFalse(b.take(100, 7, 0, 1_004), "three units, three leases");
        assertEquals(4, b.minuteUsedIn(100), "block leases were counted when the block was reserved");
    }

    @Test
    void aBlockIsOnlyValidInItsMinuteAndDay() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 3, 0, 1_000);
        assertFalse(b.take(101, 7, 0, 61_000));
        assertFalse(b.take(100, 8, 0, 1_000));
        assertEquals(0, b.blockLeft(101, 7));
    }

    @Test
    void idleUnitsGoBackToBothWindowsOnce() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 5, 0, 1_000);
        assertTrue(b.take(100, 7, 0, 1_010));
        assertTrue(b.drain(1_100, 200, 100, false).isEmpty(), "used 90 ms ago: kept");
        LiveBucket.GiveBack back = b.drain(1_300, 200, 100, false);
        assertEquals(3, back.units());
        assertEquals(100, back.minute());
        assertEquals(7, back.day());
        assertEquals(2, b.minuteUsedIn(100));
        assertEquals(2, b.dayUsedIn(7));
        assertFalse(b.take(100, 7, 0, 1_301));
        assertTrue(b.drain(2_000, 200, 100, false).isEmpty(), "given back once");
    }

    @Test
    void aBlockOfAnEndedMinuteGivesItsDayUnitsBack() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 5, 0, 1_000);
        LiveBucket.GiveBack back = b.drain(1_050, 200, 101, false);
        assertEquals(4, back.units());
        assertEquals(100, back.minute());
        assertEquals(1, b.dayUsedIn(7));
    }

    @Test
    void tokensOfBlockLeasesAreHandedOverAndCorrected() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 3, 500, 1_000);
        assertTrue(b.take(100, 7, 200, 1_001));
        assertEquals(700, b.tokensUsedIn(100));
        b.correctTokens(100, -150);
        assertEquals(550, b.tokensUsedIn(100));
        LiveBucket.GiveBack back = b.drain(1_002, 200, 100, false);
        assertEquals(200, back.tokens(), "the block lease's tokens go to the row");
        assertEquals(100, back.tokensMinute());
    }

    @Test
    void theDatabaseCountsReplaceTheLocalOnesButNeverGoBackInTime() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 1, 0, 1_000);
        b.observed(100, 9, 7, 30, 100, 0);
        assertEquals(9, b.minuteUsedIn(100));
        assertEquals(30, b.dayUsedIn(7));
        b.observed(99, 50, 6, 50, 99, 0);
        assertEquals(9, b.minuteUsedIn(100), "an older window does not overwrite a newer one");
    }

    @Test
    void theRateFollowsRecentLeases() {
        LiveBucket b = new LiveBucket();
        for (int i = 0; i < 100; i++) {
            b.reserved(100, 7, 1, 0, 1_000 + i);
        }
        assertTrue(b.rate(1_100) >= 100, "100 leases in 100 ms: at least 100/s");
        assertTrue(b.rate(60_000) < 5, "idle for a minute: the rate falls");
    }

    @Test
    void aBlockWithATokenAllowanceServesOnlyLeasesThatFitIt() {
        LiveBucket b = new LiveBucket();
        // 4 units: this lease's 100 tokens and an allowance of 3 x 100 counted in the row.
        b.reserved(100, 7, 4, 100, 300, 1_000);
        assertEquals(400, b.tokensUsedIn(100));
        assertTrue(b.take(100, 7, 100, 1_001, true));
        assertTrue(b.take(100, 7, 150, 1_002, true));
        assertFalse(b.take(100, 7, 100, 1_003, true), "50 tokens left in the allowance: a 100-token lease goes to the row");
        assertTrue(b.take(100, 7, 50, 1_004, true));
        assertEquals(400, b.tokensUsedIn(100), "every token was counted when the block was reserved");
        assertFalse(b.take(100, 7, 0, 1_005, true), "three units, three leases");
    }

    @Test
    void theUnusedAllowanceGoesBackWithTheBlock() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 5, 100, 400, 1_000);
        assertTrue(b.take(100, 7, 100, 1_001, true));
        LiveBucket.GiveBack back = b.drain(1_500, 200, 100, false);
        assertEquals(3, back.units());
        assertEquals(-300, back.tokens(), "three leases' allowance was not used");
        assertEquals(100, back.tokensMinute());
        assertEquals(200, b.tokensUsedIn(100));
        assertFalse(b.holding());
    }

    @Test
    void withoutAKnownTokenLimitALeaseAboveTheAllowanceAddsItsExcessLater() {
        LiveBucket b = new LiveBucket();
        b.reserved(100, 7, 3, 100, 0, 1_000);
        assertTrue(b.take(100, 7, 80, 1_001, false));
        assertEquals(180, b.tokensUsedIn(100));
        assertEquals(80, b.drain(1_002, 200, 100, false).tokens());
    }

    @Test
    void theAllowanceFollowsTheMeanOfTheEstimates() {
        LiveBucket b = new LiveBucket();
        assertEquals(10, b.tokensPerLease(10));
        b.reserved(100, 7, 1, 1_000, 1_000);
        assertEquals(1_000, b.tokensPerLease(10), "a lease's allowance is never below the recent mean");
        assertEquals(5_000, b.tokensPerLease(5_000));
    }
}
