package org.geminipool.contract;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomIdsTest {

    @Test
    void idsAreVersion4UuidsAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RandomIds.uuid();
            UUID u = UUID.fromString(id);
            assertEquals(4, u.version());
            assertEquals(2, u.variant());
            assertEquals(36, id.length());
            assertTrue(seen.add(id));
        }
    }

    @Test
    void timeOrderedIdsAreVersion7DistinctAndSortByTheirMillisecond() {
        Set<String> seen = new HashSet<>();
        String previous = null;
        for (int i = 0; i < 10_000; i++) {
            long ms = 1_764_000_000_000L + i; // one id per millisecond, rising
            String id = RandomIds.timeOrdered(ms);
            UUID u = UUID.fromString(id);
            assertEquals(7, u.version());
            assertEquals(2, u.variant());
            assertEquals(ms, u.getMostSignificantBits() >>> 16, "the first 48 bits are the millisecond");
            assertEquals(36, id.length());
            assertTrue(seen.add(id));
            if (previous != null) {
                assertTrue(previous.compareTo(id) < 0, "text order is time order: " + previous + " < " + id);
            }
            previous = id;
        }
        assertEquals(7, UUID.fromString(RandomIds.timeOrdered()).version());
    }
}
