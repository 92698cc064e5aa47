package org.geminipool.keypool.client;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;

/**
 * Checks a key with {@code GET /v1beta/models?pageSize=1}. VALID, INVALID (400 API_KEY_INVALID), DENIED (403:
 * suspended, service disabled, ...) or UNKNOWN (timeout, connection error, 5xx): unknown is never taken as invalid.
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

    static ProbeResult classify(int status, String body) {
        String reason = errorReason(body);
        if (status >= 200 && status < 300) {
            return new ProbeResult(Verdict.VALID, status, null);
        }
        if (status == 429) {
            return new ProbeResult(Verdict.VALID, status, "RESOURCE_EXHAUSTED"); // the key works; it is only busy
        }
        if (status == 400 || status == 401) {
            return new ProbeResult(Verdict.INVALID, status, reason == null ? "API_KEY_INVALID" : reason);
        }
        if (status == 403) {
            return new ProbeResult(Verdict.DENIED, status, reason == null ? "PERMISSION_DENIED" : reason);
        }
        return new ProbeResult(Verdict.UNKNOWN, status, "HTTP " + status);
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
