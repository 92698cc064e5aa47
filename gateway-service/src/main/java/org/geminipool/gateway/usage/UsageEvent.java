package org.geminipool.gateway.usage;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One upstream attempt, as usage-service ingests it (design §4). {@code clientTokenId} is the first 16 hex characters
 * of SHA-256(client token), never the token; {@code keyId} is the keypool's id, never the key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageEvent(String eventId, String occurredAt, String keyId, String project, String model, String route,
                         String target, String provider, String clientTokenId, String outcome, Integer httpStatus,
                         Long latencyMs, Long promptTokens, Long completionTokens, Long thoughtTokens) {
}
