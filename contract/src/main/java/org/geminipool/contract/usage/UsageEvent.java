package org.geminipool.contract.usage;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One upstream attempt (gateway → usage-service, design §4). {@code clientTokenId} is the first 16 hex characters of
 * SHA-256(client token), never the token; {@code keyId} is the keypool's id, never the key. {@code door} (optional) is
 * the front door a request came in by when Google does not speak its protocol: {@code responses} (OpenAI Responses)
 * or {@code messages} (Anthropic Messages); absent for the Gemini and OpenAI-chat routes. Boxed, so usage-service's
 * per-event validation (not the JSON binder) decides what is missing or wrong and says so with the event's index.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsageEvent(String eventId, String occurredAt, String keyId, String project, String model, String route,
                         String target, String provider, String clientTokenId, String outcome, Integer httpStatus,
                         Long latencyMs, Long promptTokens, Long completionTokens, Long thoughtTokens, String door) {

    public UsageEvent(String eventId, String occurredAt, String keyId, String project, String model, String route,
                      String target, String provider, String clientTokenId, String outcome, Integer httpStatus,
                      Long latencyMs, Long promptTokens, Long completionTokens, Long thoughtTokens) {
        this(eventId, occurredAt, keyId, project, model, route, target, provider, clientTokenId, outcome, httpStatus,
                latencyMs, promptTokens, completionTokens, thoughtTokens, null);
    }
}
