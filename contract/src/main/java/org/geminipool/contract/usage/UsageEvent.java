package org.geminipool.contract.usage;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One upstream attempt (gateway → usage-service, design §4). {@code clientTokenId} is the first 16 hex characters of
 * SHA-256(client token), never the token; {@code keyId} is the keypool's id, never the key. Boxed, so usage-service's
 * per-event validation (not the JSON binder) decides what is missing or wrong and says so with the event's index.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageEvent(String eventId, String occurredAt, String keyId, String project, String model, String route,
                         String target, String provider, String clientTokenId, String outcome, Integer httpStatus,
                         Long latencyMs, Long promptTokens, Long completionTokens, Long thoughtTokens) {
}
