package org.geminipool.keypool.service;

import org.geminipool.keypool.repository.LeaseRepository.LeaseRow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leases granted by this replica and not settled yet, so that settling needs no read: a fixed table of primitive
 * slots, two per bucket, chosen by the lease id's random bits. A lease whose bucket is full takes the slot of the older
 * of the two; a lease not found here (taken over, or granted by another replica) is read from its row.
 *
 * <p>Why not a map of rows: open leases live from the grant to the settle, across young collections. Kept as objects
 * (the row, its id string, the map node) they were copied at every young pause until tenured — 15 MB per pause at
 * 5,000 unsettled leases/s, the whole of a 15–45 ms pause (G1 log, bench/gateway/README.md). Here a lease is longs in
 * one array allocated once, and the model names are shared instances, so nothing per lease outlives its request.
 *
 * <p>Each slot is guarded by a stamp (odd while written), read optimistically like {@link
 * java.util.concurrent.locks.StampedLock}: a reader that sees the stamp change retries nothing and reports a miss.
 */
final class RecentLeases {

    /** Longs per slot: stamp, id (2), keyId, projectId, minute, createdAt, expiresAt, estTokens, day and probe mask. */
    private static final int LONGS = 10;
    private static final int STAMP = 0, ID_HI = 1, ID_LO = 2, KEY = 3, PROJECT = 4, MINUTE = 5, CREATED = 6,
            EXPIRES = 7, TOKENS = 8, DAY_PROBE = 9;
    /** Distinct model names kept as shared instances; past this, a name is stored as given. */
    static final int MAX_NAMES = 1024;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    /** Per slot: model, quota model. */
    private final String[] names;
    private final int bucketMask;
    private final Map<String, String> canonical = new ConcurrentHashMap<>();

    /** At least {@code capacity} slots, rounded up to a power of two (at least 2). */
    RecentLeases(int capacity) {
        int n = 2;
        while (n < capacity) {
            n <<= 1;
        }
        slots = new long[n * LONGS];
        names = new String[n * 2];
        bucketMask = (n - 1) & ~1;
    }

    void put(LeaseRow lease) {
        String id = lease.id();
        if (!isUuid(id)) {
            return; // not an id this replica makes: its settle reads the row
        }
        long hi = hi(id), lo = lo(id);
        int first = bucket(lo);
        String model = canonical(lease.model()), quotaModel = canonical(lease.quotaModel());
        // The free slot of the two, else the older lease's; a slot being written right now is skipped. The claim fails
        // when the slot changed since it was looked at (another grant took it): then look again, once.
        for (int attempt = 0; attempt < 2; attempt++) {
            int slot = -1;
            long stamp = 0, oldest = Long.MAX_VALUE;
            for (int s = first; s < first + 2; s++) {
                long seen = (long) SLOT.getAcquire(slots, s * LONGS + STAMP);
                if ((seen & 1) != 0) {
                    continue;
                }
                if (slots[s * LONGS + ID_HI] == 0) {
                    slot = s;
                    stamp = seen;
                    break;
                }
                if (slots[s * LONGS + CREATED] < oldest) {
                    oldest = slots[s * LONGS + CREATED];
                    slot = s;
                    stamp = seen;
                }
            }
            if (slot < 0) {
                return;
            }
            int b = slot * LONGS;
            if (!SLOT.compareAndSet(slots, b + STAMP, stamp, stamp + 1)) {
                continue;
            }
            slots[b + ID_HI] = hi;
            slots[b + ID_LO] = lo;
            slots[b + KEY] = lease.keyId();
            slots[b + PROJECT] = lease.projectId();
            slots[b + MINUTE] = lease.minuteWindow();
            slots[b + CREATED] = lease.createdAtMs();
            slots[b + EXPIRES] = lease.expiresAtMs();
            slots[b + TOKENS] = lease.estTokens();
            slots[b + DAY_PROBE] = ((long) lease.dayWindow() << 32) | (lease.probeMask() & 0xFFFFFFFFL);
            names[slot * 2] = model;
            names[slot * 2 + 1] = quotaModel;
            SLOT.setRelease(slots, b + STAMP, stamp + 2);
            return;
        }
    }

    /** The lease, or null when it is not (or no longer) here. */
    LeaseRow get(String leaseId) {
        if (!isUuid(leaseId)) {
            return null;
        }
        long hi = hi(leaseId), lo = lo(leaseId);
        int first = bucket(lo);
        for (int slot = first; slot < first + 2; slot++) {
            int b = slot * LONGS;
            long stamp = (long) SLOT.getAcquire(slots, b + STAMP);
            if ((stamp & 1) != 0 || slots[b + ID_HI] != hi || slots[b + ID_LO] != lo) {
                continue;
            }
            long dayProbe = slots[b + DAY_PROBE];
            LeaseRow row = new LeaseRow(leaseId, slots[b + KEY], slots[b + PROJECT], names[slot * 2],
                    names[slot * 2 + 1], slots[b + MINUTE], (int) (dayProbe >>> 32), slots[b + CREATED],
                    slots[b + EXPIRES], null, slots[b + TOKENS], (int) dayProbe);
            VarHandle.acquireFence();
            if ((long) SLOT.getVolatile(slots, b + STAMP) == stamp) {
                return row;
            }
        }
        return null;
    }

    void remove(String leaseId) {
        if (!isUuid(leaseId)) {
            return;
        }
        long hi = hi(leaseId), lo = lo(leaseId);
        int first = bucket(lo);
        for (int slot = first; slot < first + 2; slot++) {
            int b = slot * LONGS;
            long stamp = (long) SLOT.getAcquire(slots, b + STAMP);
            if ((stamp & 1) == 0 && slots[b + ID_HI] == hi && slots[b + ID_LO] == lo
                    && SLOT.compareAndSet(slots, b + STAMP, stamp, stamp + 1)) {
                slots[b + ID_HI] = 0;
                slots[b + ID_LO] = 0;
                names[slot * 2] = null;
                names[slot * 2 + 1] = null;
                SLOT.setRelease(slots, b + STAMP, stamp + 2);
                return;
            }
        }
    }

    /** Leases held (a snapshot; for tests). */
    int size() {
        int n = 0;
        for (int b = 0; b < slots.length; b += LONGS) {
            if (slots[b + ID_HI] != 0) {
                n++;
            }
        }
        return n;
    }

    private int bucket(long lo) {
        return (int) (lo ^ (lo >>> 29)) & bucketMask;
    }

    private String canonical(String name) {
        if (name == null) {
            return null;
        }
        String known = canonical.get(name);
        if (known != null) {
            return known;
        }
        if (canonical.size() >= MAX_NAMES) {
            return name;
        }
        known = canonical.putIfAbsent(name, name);
        return known == null ? name : known;
    }

    /**
     * A UUID as this replica writes it: 36 characters, lower-case hex, hyphens at 8, 13, 18, 23, a non-zero first
     * half. Any other spelling misses here and is looked up in the table, as before.
     */
    static boolean isUuid(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return hi(s) != 0;
    }

    static long hi(String uuid) {
        return hex(uuid, 0, 8) << 32 | hex(uuid, 9, 13) << 16 | hex(uuid, 14, 18);
    }

    static long lo(String uuid) {
        return hex(uuid, 19, 23) << 48 | hex(uuid, 24, 36);
    }

    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v << 4 | Character.digit(s.charAt(i), 16);
        }
        return v;
    }
}
