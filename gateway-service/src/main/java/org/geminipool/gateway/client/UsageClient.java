package org.geminipool.gateway.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.usage.UsageEvent;

import java.util.List;

/**
 * usage-service as the shipper sees it (blocking; called from the shipping task, never a request thread). The circuit
 * breaker keeps a down usage-service from being hammered; the shipper itself retries on its next tick.
 */
@ApplicationScoped
public class UsageClient {

    /** usage-service refused the batch as invalid: retrying it cannot help. */
    public static class RejectedBatchException extends RuntimeException {
        public RejectedBatchException(String message) {
            super(message);
        }
    }

    @Inject
    @RestClient
    UsageApi api;

    @Inject
    GatewayConfig config;

    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 2000, successThreshold = 1,
            skipOn = RejectedBatchException.class)
    public void ship(List<UsageEvent> events) {
        try (Response response = api.post("Bearer " + config.internalToken().orElse(""), new UsageApi.Batch(events))) {
            int status = response.getStatus();
            if (status / 100 == 2) {
                return;
            }
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            if (status == 400 || status == 413 || status == 422) {
                throw new RejectedBatchException("usage-service rejected a batch of " + events.size() + ": " + status
                        + " " + abbreviate(body));
            }
            throw new IllegalStateException("usage-service answered " + status + " " + abbreviate(body));
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
