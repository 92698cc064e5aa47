package org.geminipool.usage.service;

import org.geminipool.contract.Outcome;
import java.time.Instant;
import java.time.LocalDate;

/** A validated event, ready to be written. {@code aggregateKeyId} and {@code clientTokenId} are never null. */
public record NewEvent(
        String eventId,
        Instant occurredAt,
        LocalDate day,
        String keyId,
        String aggregateKeyId,
        String project,
        String model,
        String route,
        String target,
        String provider,
        String clientTokenId,
        Outcome outcome,
        Integer httpStatus,
        long latencyMs,
        long promptTokens,
        long completionTokens,
        long thoughtTokens,
        String door) {

    public NewEvent(String eventId, Instant occurredAt, LocalDate day, String keyId, String aggregateKeyId,
                    String project, String model, String route, String target, String provider, String clientTokenId,
                    Outcome outcome, Integer httpStatus, long latencyMs, long promptTokens, long completionTokens,
                    long thoughtTokens) {
        this(eventId, occurredAt, day, keyId, aggregateKeyId, project, model, route, target, provider, clientTokenId,
                outcome, httpStatus, latencyMs, promptTokens, completionTokens, thoughtTokens, null);
    }
}
