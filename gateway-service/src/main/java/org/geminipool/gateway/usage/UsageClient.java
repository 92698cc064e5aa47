package org.geminipool.gateway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.contract.usage.UsageEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * usage-service as the shipper sees it (blocking; called from the shipping task, never a request thread). The circuit
 * breaker keeps a down usage-service from being hammered; the shipper itself retries on its next tick.
 */
@ApplicationScoped
public class UsageClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * usage-service refused the batch as invalid: retrying it as it is cannot help. {@link #refused()} names the
     * events it refused (indexes into the batch) when its answer said so; empty when it refused the batch as a whole.
     */
    public static class RejectedBatchException extends RuntimeException {
        private final List<Integer> refused;

        public RejectedBatchException(String message) {
            this(message, List.of());
        }

        public RejectedBatchException(String message, List<Integer> refused) {
            super(message);
            this.refused = List.copyOf(refused);
        }

        public List<Integer> refused() {
            return refused;
        }
    }

    @Inject
    @RestClient
    UsageApi api;

    @Inject
    GatewayConfig config;

    /**
     * Posts one batch. Returns the indexes of the events usage-service refused one by one (invalid, not counted; the
     * others were), empty when it took them all.
     */
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 2000, successThreshold = 1,
            skipOn = RejectedBatchException.class)
    public List<Integer> ship(List<UsageEvent> events) {
        try (Response response = api.post("Bearer " + config.internalToken().orElse(""), new UsageApi.Batch(events))) {
            int status = response.getStatus();
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            if (status / 100 == 2) {
                return refusedIndexes(body, events.size());
            }
            if (status == 400 || status == 413 || status == 422) {
                throw new RejectedBatchException("usage-service rejected a batch of " + events.size() + ": " + status
                        + " " + abbreviate(body), refusedIndexes(body, events.size()));
            }
            throw new IllegalStateException("usage-service answered " + status + " " + abbreviate(body));
        }
    }

    /** The {@code rejected[].index} of usage-service's answer, valid indexes only; empty when absent. */
    static List<Integer> refusedIndexes(String body, int size) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        try {
            JsonNode rejected = JSON.readTree(body).path("rejected");
            if (!rejected.isArray()) {
                return List.of();
            }
            List<Integer> out = new ArrayList<>(rejected.size());
            for (JsonNode r : rejected) {
                JsonNode index = r.path("index");
                if (index.canConvertToInt() && index.intValue() >= 0 && index.intValue() < size
                        && !out.contains(index.intValue())) {
                    out.add(index.intValue());
                }
            }
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
