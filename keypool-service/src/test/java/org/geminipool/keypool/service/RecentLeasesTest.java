package org.geminipool.keypool.service;

import org.geminipool.contract.RandomIds;
import org.geminipool.keypool.repository.LeaseRepository.LeaseRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentLeasesTest {

    /** A lease whose every number is {@code n}, so a row read half-written shows. */
    private static LeaseRow lease(String id, long n) {
        return new LeaseRow(id, n, n, "gemini-3.5-flash", "gemini-3.5-flash", n, (int) n, n, n, null, n, (int) n & 7);
    }

    /** Ids whose random half is {@code lo}: the same {@code lo} puts them in the same bucket. */
    private static String id(long hi, long lo) {
        return new UUID(hi, lo).toString();
    }

    @Test
    void aLeaseIsKeptWithEveryFieldUntilItIsSettled() {
        RecentLeases recent = new RecentLeases(64);
        String id = RandomIds.timeOrdered();
        LeaseRow granted = new LeaseRow(id, 42, 7, "gemini-3.5-flash-lite", "gemini-3-flash", 29_000_000L, 20_400,
                1_740_000_000_000L, 1_740_000_300_000L, null, 1234, 5);
        recent.put(granted);

        assertEquals(granted, recent.get(id));
        assertNull(recent.get(id.toUpperCase()), "only the spelling this replica hands out; others read the row");
        assertEquals(1, recent.size());

        recent.remove(id);
        assertNull(recent.get(id), "a settled lease leaves");
        assertEquals(0, recent.size());
    }

    @Test
    void aFullBucketGivesUpItsOlderLeaseAndKeepsTheOneJustGranted() {
        RecentLeases recent = new RecentLeases(8);
        long lo = 0x8000_0000_0000_0004L;
        String older = id(0x1000_7000L, lo), newer = id(0x2000_7000L, lo), newest = id(0x3000_7000L, lo);
        recent.put(lease(older, 1));
        recent.put(lease(newer, 2));
        recent.put(lease(newest, 3)); // same bucket, both slots taken: the lease created first goes

        assertNull(recent.get(older));
        assertEquals(2, recent.get(newer).keyId());
        assertEquals(3, recent.get(newest).keyId());

        recent.remove(newer);
        String later = id(0x4000_7000L, lo);
        recent.put(lease(later, 4)); // a free slot is taken before any lease is given up
        assertNotNull(recent.get(newest));
        assertNotNull(recent.get(later));
    }

    @Test
    void idsThisReplicaDoesNotMakeAreNotKeptAndNeverMatch() {
        RecentLeases recent = new RecentLeases(8);
        recent.put(lease("lease-1", 1));
        assertNull(recent.get("lease-1"));
        assertEquals(0, recent.size());

        String id = RandomIds.timeOrdered();
        recent.put(lease(id, 2));
        for (String hostile : new String[]{null, "", id.substring(1), id + "0", id.replace('-', '+'),
                id.substring(0, 35) + "g", "00000000-0000-0000-0000-000000000000"}) {
            assertNull(recent.get(hostile), String.valueOf(hostile));
            recent.remove(hostile);
        }
        assertNotNull(recent.get(id), "no malformed id removed the lease");
        assertFalse(RecentLeases.isUuid("00000000-0000-0000-0000-000000000000"), "the all-zero id marks a free slot");
        assertTrue(RecentLeases.isUuid(id));
    }

    @Test
    void modelNamesAreSharedInstancesNotOneStringPerLease() {
        RecentLeases recent = new RecentLeases(64);
        String a = RandomIds.timeOrdered(), b = RandomIds.timeOrdered();
        // as parsed from two request bodies: equal, distinct objects
        recent.put(new LeaseRow(a, 1, 1, new String("gemini-3.5-flash"), "q", 0, 0, 0, 0, null, 0, 0));
        recent.put(new LeaseRow(b, 2, 1, new String("gemini-3.5-flash"), "q", 0, 0, 0, 0, null, 0, 0));
        assertSame(recent.get(a).model(), recent.get(b).model());
    }

    @Test
    void readersNeverSeeAHalfWrittenLease() throws Exception {
        RecentLeases recent = new RecentLeases(4); // two buckets: writers keep taking over each other's slots
        int writers = 2, rounds = 20_000;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ids.add(RandomIds.timeOrdered());
        }
        AtomicReference<String> torn = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int offset = w;
            threads.add(new Thread(() -> {
                for (int r = 0; r < rounds; r++) {
                    String id = ids.get((r * writers + offset) % ids.size());
                    recent.put(lease(id, r * writers + offset + 1));
                    if (r % 3 == 0) {
                        recent.remove(ids.get((r + 7) % ids.size()));
                    }
                }
            }));
        }
        threads.add(new Thread(() -> {
            for (int r = 0; r < rounds * writers; r++) {
                LeaseRow row = recent.get(ids.get(r % ids.size()));
                if (row != null) {
                    long n = row.keyId();
                    boolean whole = row.projectId() == n && row.minuteWindow() == n && row.dayWindow() == (int) n
                            && row.createdAtMs() == n && row.expiresAtMs() == n && row.estTokens() == n
                            && row.probeMask() == ((int) n & 7) && row.id().equals(ids.get(r % ids.size()));
                    if (!whole) {
                        torn.compareAndSet(null, row.toString());
                    }
                }
            }
        }));
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertNull(torn.get(), "a lease read while it was written");
    }
}
