package org.geminipool.keypool.service;

import org.geminipool.keypool.repository.LeaseRepository.LeaseRow;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentLeasesTest {

    private static LeaseRow lease(int i) {
        return new LeaseRow("lease-" + i, i, 1, "m", "m", 0, 0, 0, 0, null, 0, 0);
    }

    @Test
    void aFullGenerationDropsOnlyTheOldestNotTheLeasesJustGranted() {
        RecentLeases recent = new RecentLeases(4);
        for (int i = 0; i < 9; i++) {
            recent.put(lease(i));
        }
        // generations: {0..3} dropped, {4..7} previous, {8} current
        for (int i = 0; i < 4; i++) {
            assertNull(recent.get("lease-" + i), "oldest generation dropped: " + i);
        }
        for (int i = 4; i < 9; i++) {
            assertNotNull(recent.get("lease-" + i), "kept: " + i);
        }
        assertEquals(5, recent.size());
        assertTrue(recent.size() <= 2 * 4);
    }

    @Test
    void settledLeasesLeaveEitherGeneration() {
        RecentLeases recent = new RecentLeases(2);
        recent.put(lease(1));
        recent.put(lease(2));
        recent.put(lease(3)); // 1, 2 now the previous generation
        recent.remove("lease-1");
        recent.remove("lease-3");
        assertNull(recent.get("lease-1"));
        assertNull(recent.get("lease-3"));
        assertNotNull(recent.get("lease-2"));
        assertEquals(1, recent.size());
    }
}
