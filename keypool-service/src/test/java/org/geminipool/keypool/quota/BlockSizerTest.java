package org.geminipool.keypool.quota;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reservation arithmetic: blocks follow the rate, stay a small share of what is left, fall to 1 near a limit. */
class BlockSizerTest {

    static final Limit FIVE = new Limit(5L, false, LimitSource.ADMIN, null);
    static final Limit TWENTY = new Limit(20L, true, LimitSource.FAMILY, null);

    @Test
    void followsTheObservedRateWithinTheMaximum() {
        assertEquals(BlockSizer.FLOOR, BlockSizer.size(0, 0.1, 256, (Long) null), "a low rate still gets the floor");
        assertEquals(BlockSizer.FLOOR, BlockSizer.size(5, 0.1, 256, (Long) null));
        assertEquals(50, BlockSizer.size(500, 0.1, 256, (Long) null));
        assertEquals(8, BlockSizer.size(0, 0.1, 8, (Long) null), "the floor never exceeds the maximum");
        assertEquals(256, BlockSizer.size(100_000, 0.1, 256, (Long) null));
        assertEquals(1, BlockSizer.size(100_000, 0.1, 1, (Long) null), "max 1 turns blocks off");
    }

    @Test
    void smallFreeTierBucketsAreReservedOneCallAtATime() {
        // 5 rpm and 20 rpd: what is left divided by 16 is below 2 whatever the rate.
        assertEquals(1, BlockSizer.size(10_000, 0.1, 256, BlockSizer.left(FIVE, 0), BlockSizer.left(TWENTY, 0)));
        assertEquals(1, BlockSizer.size(10_000, 0.1, 256, BlockSizer.left(FIVE, 4)));
        assertEquals(1, BlockSizer.size(10_000, 0.1, 256, BlockSizer.left(FIVE, 5)), "nothing left: still 1");
    }

    @Test
    void aBlockIsAtMostASixteenthOfWhatIsLeftInEveryKnownWindow() {
        Limit rpm = new Limit(1000L, false, LimitSource.ADMIN, null);
        Limit rpd = new Limit(100_000L, false, LimitSource.ADMIN, null);
        assertEquals(62, BlockSizer.size(10_000, 0.1, 256, BlockSizer.left(rpm, 0), BlockSizer.left(rpd, 0)));
        assertEquals(6, BlockSizer.size(10_000, 0.1, 256, BlockSizer.left(rpm, 900), BlockSizer.left(rpd, 0)));
        assertEquals(1, BlockSizer.size(10_000, 0.1, 256, BlockSizer.left(rpm, 990), BlockSizer.left(rpd, 0)));
        assertEquals(3, BlockSizer.size(10_000, 0.1, 256, BlockSizer.left(rpm, 0), BlockSizer.left(rpd, 99_950)));
    }

    @Test
    void aKnownTokenLimitBoundsTheBlockInLeasesOfTheTokensEachTakes() {
        Limit tpm = new Limit(250_000L, false, LimitSource.FAMILY, null);
        // 250k tokens a minute, 20 tokens a lease: 12,500 leases left, a sixteenth of that is above the maximum.
        assertEquals(256, BlockSizer.size(100_000, 0.1, 256, BlockSizer.leftUnits(tpm, 0, 20)));
        // 5,000-token prompts: 50 leases left, so 3 per block.
        assertEquals(3, BlockSizer.size(100_000, 0.1, 256, BlockSizer.leftUnits(tpm, 0, 5_000)));
        // Near the limit the block is one call, reserved exactly.
        assertEquals(1, BlockSizer.size(100_000, 0.1, 256, BlockSizer.leftUnits(tpm, 200_000, 5_000)));
        assertEquals(null, BlockSizer.leftUnits(Limit.UNKNOWN, 0, 20));
    }

    @Test
    void leftIsNullForAnUnknownLimitAndNeverNegative() {
        assertEquals(null, BlockSizer.left(Limit.UNKNOWN, 10));
        assertEquals(0L, BlockSizer.left(FIVE, 9));
    }
}
