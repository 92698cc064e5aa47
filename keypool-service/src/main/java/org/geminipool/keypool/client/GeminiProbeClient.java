package org.geminipool.keypool.client;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.geminipool.contract.Outcome;
import org.geminipool.common.upstream.UpstreamErrorClassifier;

import java.time.temporal.ChronoUnit;

/**
 * Checks a key with {@code GET /v1beta/models?pageSize=1}. VALID, INVALID (dead key), DENIED (blocked key, dead
 * project) or UNKNOWN (timeout, connection error, 5xx, an answer that is not about the key): unknown is never taken
 * as invalid.
 */
@ApplicationScoped
public class GeminiProbeClient {

    public enum Verdict { VALID, INVALID, DENIED, UNKNOWN }

    public record ProbeResult(Verdict verdict, int status, String reason) {
    }

    @Inject
    @RestClient
    GeminiModelsApi api;

    /** Fault tolerance lives here: a per-call timeout and a cap on probes in flight from this replica. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Bulkhead(value = 8, waitingTaskQueue = 10_000)
    public Uni<ProbeResult> probe(String apiKey) {
        return api.listModels(apiKey, 1)
                .map(response -> classify(response.getStatus(), readBody(response)))
                .onFailure(WebApplicationException.class).recoverWithItem(e -> {
                    Response r = ((WebApplicationException) e).getResponse();
                    return classify(r.getStatus(), readBody(r));
                });
    }

    /** Wraps {@link #probe} so that every failure (timeout, bulkhead full, network) is UNKNOWN. */
    public Uni<ProbeResult> probeSafely(String apiKey) {
        return Uni.createFrom().deferred(() -> probe(apiKey))
                .onFailure().recoverWithItem(e -> new ProbeResult(Verdict.UNKNOWN, -1, e.getClass().getSimpleName()));
    }

    /**
     * The gateway's table (common UpstreamErrorClassifier) read for a free call: an answer that proves the key works
     * (2xx, any 429) is VALID; a dead key is INVALID; a blocked key or a dead project is DENIED; everything else —
     * 5xx, a location or precondition 400, a 404 — says nothing about the key and is UNKNOWN (nothing changes).
     */
    static ProbeResult classify(int status, String body) {
        String reason = errorReason(body);
        Outcome outcome = UpstreamErrorClassifier.classify(status, body).outcome();
        return switch (outcome) {
            case SUCCESS -> new ProbeResult(Verdict.VALID, status, null);
            case RATE_LIMITED, QUOTA_EXHAUSTED_DAY, MODEL_UNAVAILABLE, BILLING_DEPLETED ->
                    new ProbeResult(Verdict.VALID, status, "RESOURCE_EXHAUSTED"); // the key works; it is only busy
            case INVALID_KEY -> new ProbeResult(Verdict.INVALID, status, reason == null ? "API_KEY_INVALID" : reason);
            case PERMISSION_DENIED, PROJECT_DENIED ->
                    new ProbeResult(Verdict.DENIED, status, reason == null ? "PERMISSION_DENIED" : reason);
            default -> new ProbeResult(Verdict.UNKNOWN, status, "HTTP " + status + (reason == null ? "" : " " + reason));
        };
    }

    /** {@code error.details[].reason} (ErrorInfo) or {@code error.status}; never the message (it may quote the key). */
    static String errorReason(String body) {
        if (body == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"reason\"\\s*:\\s*\"([A-Z_]{1,64})\"").matcher(body);
        if (m.find()) {
            return m.group(1);
        }
        m = java.util.regex.Pattern.compile("\"status\"\\s*:\\s*\"([A-Z_]{1,64})\"").matcher(body);
        return m.find() ? m.group(1) : null;
    }

    private static String readBody(Response response) {
        try {
            return response.hasEntity() ? response.readEntity(String.class) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
