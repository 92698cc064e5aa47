package org.geminipool.keypool.quota;

/**
 * What each source says about one window of one (project, model): the raw inputs of {@link LimitResolver}. Any field
 * may be null (that source says nothing). {@code learned} -1 means Google accepted more than a provisional value.
 */
public record LimitInputs(Long override, Long admin, Long learned, Long learnedAtMs, Long sibling, Long siblingAtMs,
                          Long family) {
}
