package org.geminipool.keypool.quota;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BlockHoldersTest {

    /** Blocks left per project index (absent: no room at all). */
    private final Map<Integer, Integer> left = new HashMap<>();

    private List<Integer> offer(BlockHolders h, List<Integer> sampled, int n) {
        return h.offer(sampled, n, i -> left.containsKey(i) ? i : null, i -> left.get(i) > 0, Integer::equals);
    }

    @Test
    void everyHolderIsOfferedBesidesTheSample() {
        BlockHolders h = new BlockHolders();
        // Three concurrent leases found the last block empty and each reserved one in its own sampled project.
        for (int i : new int[] {10, 20, 30}) {
            h.held(i);
            left.put(i, 50);
        }
        left.put(5, 0);
        assertEquals(List.of(5, 10, 20, 30), offer(h, List.of(5), 1000));
    }

    @Test
    void aHolderAlreadySampledIsNotOfferedTwice() {
        BlockHolders h = new BlockHolders();
        h.held(10);
        left.put(10, 3);
        List<Integer> sampled = List.of(10);
        assertSame(sampled, offer(h, sampled, 1000));
    }

    @Test
    void holdersWithoutBlockRoomOrOutOfRangeAreDropped() {
        BlockHolders h = new BlockHolders();
        h.held(1);   // block used up
        h.held(2);   // no room at all (banned, cooling down)
        h.held(900); // from a longer list of an older catalog
        h.held(3);
        left.put(1, 0);
        left.put(3, 7);
        assertEquals(List.of(3), offer(h, List.of(), 100));
        assertArrayEquals(new int[] {3}, h.indices());
    }

    @Test
    void boundedTheOldestGivesWay() {
        BlockHolders h = new BlockHolders();
        for (int i = 0; i < BlockHolders.MAX + 2; i++) {
            h.held(i);
            h.held(i); // twice: one entry
        }
        int[] kept = h.indices();
        assertEquals(BlockHolders.MAX, kept.length);
        assertEquals(BlockHolders.MAX + 1, java.util.Arrays.stream(kept).max().orElseThrow());
        assertEquals(2, java.util.Arrays.stream(kept).min().orElseThrow());
        h.held(-1);
        assertEquals(BlockHolders.MAX, h.indices().length);
    }
}
