package org.geminipool.keypool.quota;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The projects (by index in the pool's group list) whose quota blocks this replica holds for one (pool, model), so a
 * large pool's sampled selection ({@link Selection#choose}) still offers every one of them. When a block runs out
 * under load, the concurrent leases that find it empty each reserve a block in a project of their own sample; without
 * this set only the last of them would be offered again and the others would sit unused until the idle give-back —
 * a reservation and a give-back per few leases (measured with 10,000 keys in 1,000 projects: one bucket statement per
 * 9 leases). Bounded: at most {@link #MAX} entries, the oldest replaced; an entry whose block is gone is dropped when
 * seen.
 */
public final class BlockHolders {

    public static final int MAX = 8;

    private final int[] slots = new int[MAX];
    private int next;

    public BlockHolders() {
        Arrays.fill(slots, -1);
    }

    /** Project {@code index} holds a block now. */
    public synchronized void held(int index) {
        if (index < 0) {
            return;
        }
        for (int s : slots) {
            if (s == index) {
                return;
            }
        }
        for (int i = 0; i < MAX; i++) {
            if (slots[i] < 0) {
                slots[i] = index;
                return;
            }
        }
        slots[next] = index;
        next = (next + 1) % MAX;
    }

    synchronized void dropped(int index) {
        for (int i = 0; i < MAX; i++) {
            if (slots[i] == index) {
                slots[i] = -1;
            }
        }
    }

    synchronized int[] indices() {
        return Arrays.stream(slots).filter(i -> i >= 0).toArray();
    }

    /**
     * {@code sampled} plus the view of every holder not in it whose block still has a unit ({@code holds}); holders
     * out of range, without room or without a block are dropped. Returns {@code sampled} itself when nothing is added.
     *
     * @param n       projects in the pool now (indices at or past it are from an older list)
     * @param view    the view of project i when it has room now, else null
     * @param same    whether a view is already in the sample
     */
    public <T> List<T> offer(List<T> sampled, int n, IntFunction<T> view, Predicate<T> holds,
                             BiPredicate<T, T> same) {
        List<T> out = sampled;
        for (int i : indices()) {
            T v = i < n ? view.apply(i) : null;
            if (v == null || !holds.test(v)) {
                dropped(i);
                continue;
            }
            boolean present = false;
            for (T s : out) {
                if (same.test(s, v)) {
                    present = true;
                    break;
                }
            }
            if (!present) {
                if (out == sampled) {
                    out = new ArrayList<>(sampled);
                }
                out.add(v);
            }
        }
        return out;
    }
}
