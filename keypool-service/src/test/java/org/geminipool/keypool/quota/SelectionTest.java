package org.geminipool.keypool.quota;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Project order: whole ranking for small pools, a bounded sample for large ones. */
class SelectionTest {

    @Test
    void aSmallPoolIsRankedWholeLeastUsedFirst() {
        int[] used = {5, 0, 3, 9, 1};
        List<Integer> order = Selection.choose(used.length, i -> used[i] == 9 ? null : i,
                Comparator.comparingInt(i -> used[i]), new Random(1));
        assertEquals(List.of(1, 4, 2, 0), order, "no room in project 3; the rest least used first");
    }

    @Test
    void equalsAreShuffledSoConcurrentLeasesSpread() {
        Set<Integer> firsts = new HashSet<>();
        Random random = new Random(7);
        for (int n = 0; n < 50; n++) {
            firsts.add(Selection.choose(10, i -> i, Comparator.comparingInt(i -> 0), random).get(0));
        }
        assertTrue(firsts.size() > 3, "ties broken at random: " + firsts);
    }

    @Test
    void aLargePoolLooksAtABoundedSampleNotAtEveryProject() {
        AtomicInteger looked = new AtomicInteger();
        int n = 1000;
        List<Integer> order = Selection.choose(n, i -> {
            looked.incrementAndGet();
            return i;
        }, Comparator.comparingInt(i -> i), new Random(3));
        assertEquals(Selection.SAMPLE, order.size());
        assertTrue(looked.get() <= Selection.TRIES, "looked at " + looked.get());
        for (int i = 1; i < order.size(); i++) {
            assertTrue(order.get(i - 1) <= order.get(i), "the sample is ranked");
        }
    }

    @Test
    void aLargePoolWithoutRoomInTheSampleIsLeftToTheFullScan() {
        int n = 1000;
        List<Integer> sampled = Selection.choose(n, i -> i == 500 ? i : null, Comparator.comparingInt(i -> i),
                new Random(5));
        assertTrue(sampled.size() <= 1);
        List<Integer> all = Selection.all(n, i -> i == 500 ? i : null, Comparator.comparingInt(i -> i), new Random(5));
        assertEquals(List.of(500), all);
    }
}
