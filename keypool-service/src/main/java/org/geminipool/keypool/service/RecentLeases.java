package org.geminipool.keypool.service;

import org.geminipool.keypool.repository.LeaseRepository.LeaseRow;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leases granted by this replica and not settled yet, so that settling needs no read. Two generations of at most
 * {@code generation} leases each: when the current one is full it becomes the previous one and the previous one is
 * dropped, so the newest {@code generation}–{@code 2 × generation} leases are kept and a settle of an older one reads
 * its row. (It replaced a clear-all at 100,000, which also dropped the leases granted a moment before — each of whose
 * settles then read its row — and kept up to 100,000 rows alive, all copied at every young GC pause.)
 */
final class RecentLeases {

    private final int generation;
    private volatile Map<String, LeaseRow> current = new ConcurrentHashMap<>();
    private volatile Map<String, LeaseRow> previous = new ConcurrentHashMap<>();

    RecentLeases(int generation) {
        this.generation = Math.max(1, generation);
    }

    void put(LeaseRow lease) {
        Map<String, LeaseRow> now = current;
        if (now.size() >= generation) {
            synchronized (this) {
                if (current == now) {
                    previous = now;
                    current = new ConcurrentHashMap<>();
                }
            }
            now = current;
        }
        now.put(lease.id(), lease);
    }

    LeaseRow get(String leaseId) {
        LeaseRow found = current.get(leaseId);
        return found != null ? found : previous.get(leaseId);
    }

    void remove(String leaseId) {
        if (current.remove(leaseId) == null) {
            previous.remove(leaseId);
        }
    }

    int size() {
        return current.size() + previous.size();
    }
}
