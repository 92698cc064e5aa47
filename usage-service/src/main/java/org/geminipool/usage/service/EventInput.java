package org.geminipool.usage.service;

/**
 * One usage event as the gateway sends it. Everything is boxed or a string so that validation, not the JSON
 * binder, decides what is missing or wrong (and says so with the event's index).
 */
public record EventInput(
        String eventId,
        String occurredAt,
        String keyId,
        String project,
        String model,
        String route,
        String target,
        String provider,
        String clientTokenId,
        String outcome,
        Integer httpStatus,
        Long latencyMs,
        Long promptTokens,
        Long completionTokens,
        Long thoughtTokens) {
}
