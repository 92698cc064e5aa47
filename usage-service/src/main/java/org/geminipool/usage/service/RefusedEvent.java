package org.geminipool.usage.service;

/**
 * An event of a batch that was not counted, and why: {@code index} is its position in the posted {@code events}
 * array, {@code eventId} its id as sent (abbreviated; null when absent or not a string). Refused for good: sending it
 * again gets the same answer.
 */
public record RefusedEvent(int index, String eventId, String error) {
}
