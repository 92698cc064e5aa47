package org.geminipool.usage.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Body of {@code POST /usage/events}. The events stay JSON trees here so that each one is bound and validated on its
 * own: an event of the wrong shape (a string where a number belongs) is refused alone, not with its whole batch.
 */
public record EventBatch(List<JsonNode> events) {
}
