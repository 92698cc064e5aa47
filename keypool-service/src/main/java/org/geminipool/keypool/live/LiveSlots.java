package org.geminipool.keypool.live;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of Live session slots, pure and unit-tested: which limit applies to a project, which projects have a
 * free slot and in which order they are tried, and what Google's refusal teaches. The database step that takes a
 * slot re-checks the limit under the project's row lock ({@link LiveSessionRepository#reserve}); this only orders.
 */
public final class LiveSlots {

    /** A learned limit is trusted this long, then the project is probed at the default again (Google may raise it). */
    public static final long LEARNED_FOR_MS = 24 * 3600_000L;

    private LiveSlots() {
    }

    /** One candidate project: its id, its open sessions and its learned limit (null = unknown). */
    public record Candidate(long projectId, String project, int open, Integer learned) {
    }

    /** The limit in force: the learned one when there is one, else the default. Never negative. */
    public static int limit(Integer learned, int defaultLimit) {
        return Math.max(0, learned != null ? learned : defaultLimit);
    }

    /** The learned limit in force at {@code nowMs} (null once older than {@link #LEARNED_FOR_MS}). */
    public static Integer learnedInForce(Integer learned, long learnedAtMs, long nowMs) {
        return learned == null || nowMs - learnedAtMs > LEARNED_FOR_MS ? null : learned;
    }

    /** Free slots of a candidate. */
    public static int free(Candidate c, int defaultLimit) {
        return Math.max(0, limit(c.learned(), defaultLimit) - c.open());
    }

    /**
     * The candidates with a free slot, most free slots first (spreads sessions), then fewest open, then by id (stable):
     * the order the slot is tried in.
     */
    public static List<Candidate> order(List<Candidate> candidates, int defaultLimit) {
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (free(c, defaultLimit) > 0) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingInt((Candidate c) -> -free(c, defaultLimit)).thenComparingInt(Candidate::open)
                .thenComparingLong(Candidate::projectId));
        return out;
    }

    /** Candidates from project ids with their open counts and learned limits (absent = none open / unknown). */
    public static List<Candidate> candidates(Map<Long, String> projects, Map<Long, Integer> open,
                                             Map<Long, Integer> learned) {
        List<Candidate> out = new ArrayList<>(projects.size());
        projects.forEach((id, name) -> out.add(new Candidate(id, name, open.getOrDefault(id, 0), learned.get(id))));
        return out;
    }

    /**
     * What Google's refusal of one more session teaches: the project holds {@code openBesides} sessions (the others
     * open when it refused), so that is its limit — at least 1, since a refusal with none open of ours means sessions
     * opened elsewhere, which end; a limit of 0 would shut the project out for good.
     */
    public static int learnedFromRefusal(int openBesides) {
        return Math.max(1, openBesides);
    }
}
