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
}
