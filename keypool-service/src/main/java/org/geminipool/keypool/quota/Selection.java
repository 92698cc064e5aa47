package org.geminipool.keypool.quota;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * The order in which projects are tried for a lease, in time independent of the pool's size. Small pools (at most
 * {@link #SCAN_LIMIT} projects) are ranked whole: least used first, random among equals — exact for a few free-tier
 * projects. Large pools are sampled: up to {@link #SAMPLE} random projects with room are ranked the same way (the
 * power of d choices keeps the load even without looking at all of them); when sampling finds none with room, the
 * caller scans the whole pool (which it does anyway to say why it refuses).
 */
public final class Selection {

    public static final int SCAN_LIMIT = 64;
    public static final int SAMPLE = 4;
    static final int TRIES = 4 * SAMPLE;

    private Selection() {
    }

    /**
     * @param n        projects in the pool
     * @param eligible the view of project i when it has room now, else null
     * @param order    least used first
     * @return projects to try in order; empty when sampling found none (the caller then scans with {@link #all})
     */
    public static <T> List<T> choose(int n, IntFunction<T> eligible, Comparator<T> order, Random random) {
        if (n <= SCAN_LIMIT) {
            return all(n, eligible, order, random);
        }
        List<T> picked = new ArrayList<>(SAMPLE);
        int[] seen = new int[TRIES];
        int tried = 0;
        for (int t = 0; t < TRIES && picked.size() < SAMPLE; t++) {
            int i = random.nextInt(n);
            boolean repeat = false;
            for (int s = 0; s < tried; s++) {
                if (seen[s] == i) {
                    repeat = true;
                    break;
                }
            }
            if (repeat) {
                continue;
            }
            seen[tried++] = i;
            T view = eligible.apply(i);
            if (view != null) {
                picked.add(view);
            }
        }
        picked.sort(order);
        return picked;
    }

    /** Every project with room, shuffled and then ranked (a stable sort keeps the shuffle among equals). */
    public static <T> List<T> all(int n, IntFunction<T> eligible, Comparator<T> order, Random random) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            T view = eligible.apply(i);
            if (view != null) {
                out.add(view);
            }
        }
        Collections.shuffle(out, random);
        out.sort(order);
        return out;
    }
}
