package org.geminipool.usage.service;

import java.util.List;

/**
 * Answer of {@code POST /usage/events}: events newly counted, events already seen (ignored), and the events refused
 * as invalid (not counted, each with its index in the batch and the reason).
 */
public record IngestResult(int accepted, int duplicates, List<RefusedEvent> rejected) {

    public IngestResult(int accepted, int duplicates) {
        this(accepted, duplicates, List.of());
    }
}
