package org.geminipool.usage.service;

import java.util.List;

/** Body of {@code POST /usage/events}. */
public record EventBatch(List<EventInput> events) {
}
