package org.geminipool.keypool.live;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The slot arithmetic: limits in force, free slots, the order projects are tried in, what a refusal teaches. */
class LiveSlotsTest {

    @Test
    void theLearnedLimitWinsOverTheDefaultUntilItIsOld() {
        assertEquals(3, LiveSlots.limit(null, 3));
        assertEquals(2, LiveSlots.limit(2, 3));
        assertEquals(5, LiveSlots.limit(5, 3));
        assertEquals(0, LiveSlots.limit(null, -1));
        assertEquals(2, LiveSlots.learnedInForce(2, 1000, 1000 + LiveSlots.LEARNED_FOR_MS));
        assertNull(LiveSlots.learnedInForce(2, 1000, 1001 + LiveSlots.LEARNED_FOR_MS));
        assertNull(LiveSlots.learnedInForce(null, 1000, 1000));
    }

    @Test
    void fullProjectsAreLeftOutAndTheEmptiestIsTriedFirst() {
        Map<Long, String> projects = new LinkedHashMap<>();
        projects.put(1L, "a");
        projects.put(2L, "b");
        projects.put(3L, "c");
        projects.put(4L, "d");
        // a: 2 of 2 learned (full); b: 1 of 3; c: 0 of 3; d: 2 of 5 learned
        List<LiveSlots.Candidate> order = LiveSlots.order(LiveSlots.candidates(projects,
                Map.of(1L, 2, 2L, 1, 4L, 2), Map.of(1L, 2, 4L, 5)), 3);
        assertEquals(List.of("c", "d", "b"), order.stream().map(LiveSlots.Candidate::project).toList());
        assertEquals(3, LiveSlots.free(order.get(0), 3));
        assertEquals(3, LiveSlots.free(order.get(1), 3));
        assertEquals(2, LiveSlots.free(order.get(2), 3));
    }

    @Test
    void equalFreeSlotsAreOrderedByFewestOpenThenById() {
        Map<Long, String> projects = new LinkedHashMap<>();
        projects.put(9L, "x");
        projects.put(7L, "y");
        projects.put(8L, "z");
        // x: 1 of 3 (2 free); y: 0 of 2 (2 free); z: 0 of 2 (2 free)
        List<LiveSlots.Candidate> order = LiveSlots.order(LiveSlots.candidates(projects, Map.of(9L, 1),
                Map.of(7L, 2, 8L, 2)), 3);
        assertEquals(List.of("y", "z", "x"), order.stream().map(LiveSlots.Candidate::project).toList());
    }

    @Test
    void noFreeSlotAnywhereLeavesNothingToTry() {
        Map<Long, String> projects = Map.of(1L, "a", 2L, "b");
        assertEquals(List.of(), LiveSlots.order(LiveSlots.candidates(projects, Map.of(1L, 3, 2L, 4), Map.of()), 3));
        assertEquals(List.of(), LiveSlots.order(LiveSlots.candidates(projects, Map.of(), Map.of()), 0));
    }

    @Test
    void aRefusalTeachesTheSessionsThatWereOpenButNeverZero() {
        assertEquals(2, LiveSlots.learnedFromRefusal(2));
        assertEquals(7, LiveSlots.learnedFromRefusal(7));
        assertEquals(1, LiveSlots.learnedFromRefusal(0));
    }
}
