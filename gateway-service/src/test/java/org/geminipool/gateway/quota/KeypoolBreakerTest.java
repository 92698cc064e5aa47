package org.geminipool.gateway.quota;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeypoolBreakerTest {

    @Test
    void opensAfterSixOfEightFailuresAndNotBefore() {
        KeypoolBreaker b = new KeypoolBreaker(8, 0.75, 5000);
        for (int i = 0; i < 2; i++) {
            b.success();
        }
        for (int i = 0; i < 5; i++) {
            b.failure(0);
        }
        assertTrue(b.allow(0), "7 calls recorded: the window is not full");
        b.failure(0);
        assertFalse(b.allow(1), "6 of 8 failed");
        assertFalse(b.allow(4999));
    }

    @Test
    void aWindowOfMostlySuccessesNeverOpens() {
        KeypoolBreaker b = new KeypoolBreaker(8, 0.75, 5000);
        for (int i = 0; i < 100; i++) {
            if (i % 2 == 0) {
                b.failure(i);
            } else {
                b.success();
            }
            assertTrue(b.allow(i));
        }
    }

    @Test
    void halfOpenLetsOneCallThroughAndItsResultDecides() {
        KeypoolBreaker b = new KeypoolBreaker(8, 0.75, 5000);
        for (int i = 0; i < 8; i++) {
            b.failure(0);
        }
        assertFalse(b.allow(100));
        assertTrue(b.allow(5000), "open time over: one call");
        assertFalse(b.allow(5001), "only one call while half open");
        b.failure(5002);
        assertFalse(b.allow(9000), "the half-open call failed: open again for 5 s");
        assertTrue(b.allow(10_002));
        b.success();
        assertTrue(b.allow(10_003));
        assertTrue(b.allow(10_004), "closed again: every call goes");
    }
}
