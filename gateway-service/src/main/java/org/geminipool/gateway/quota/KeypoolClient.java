package org.geminipool.gateway.quota;

import org.geminipool.contract.lease.OutcomeReport;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRequest;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.geminipool.gateway.config.GatewayConfig;

/**
 * The keypool as the gateway sees it. Owns the circuit breaker (a keypool that is down is not asked again for 5 s)
 * and one quick retry of calls that failed to connect; callers own their timeout and fallback. Only real keypool
 * failures (no answer, 5xx, a refused internal token) are exceptions and count for the breaker: a 4xx about the
 * request is an answer ({@link LeaseAnswer.Invalid}), so one client's bad input never opens the breaker for everyone.
 */
@ApplicationScoped
public class KeypoolClient {

    @Inject
    @RestClient
    KeypoolApi api;

    @Inject
    GatewayConfig config;

    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.75, delay = 5000, successThreshold = 1)
    @Retry(maxRetries = 1, delay = 50, abortOn = KeypoolUnavailableException.class)
    public Uni<LeaseAnswer> lease(LeaseRequest request) {
        return api.lease(authorization(), request).map(KeypoolClient::toAnswer);
    }

    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.75, delay = 5000, successThreshold = 1)
    @Retry(maxRetries = 2, delay = 100, abortOn = KeypoolUnavailableException.class)
    public Uni<Void> reportOutcome(String leaseId, OutcomeReport report) {
        return api.outcome(authorization(), leaseId, report).map(response -> {
            int status = response.getStatus();
            if (status >= 500 || status == 401 || status == 403) {
                throw new KeypoolUnavailableException("keypool answered " + status + " to an outcome");
            }
            return null;
        });
    }

    private String authorization() {
        return "Bearer " + config.internalToken().orElse("");
    }

    static LeaseAnswer toAnswer(Response response) {
        int status = response.getStatus();
        if (status == 200) {
            return new LeaseAnswer.Granted(response.readEntity(LeaseGrant.class));
        }
        JsonNode body = null;
        try {
            body = response.readEntity(JsonNode.class);
        } catch (RuntimeException ignored) {
            // no usable body
        }
        String reason = body == null ? null : body.path("reason").asText(null);
        if (status == 429) {
            long retry = body == null ? 60 : body.path("retryAfterSeconds").asLong(60);
            return new LeaseAnswer.Refused(reason == null ? "NO_KEYS" : reason, Math.max(1, retry));
        }
        if (status == 404 && (reason == null || "UNKNOWN_MODEL".equals(reason))) {
            return new LeaseAnswer.UnknownModel();
        }
        if (status >= 400 && status < 500 && status != 401 && status != 403 && status != 408) {
            String why = body == null ? null : body.path("message").asText(body.path("error").asText(null));
            return new LeaseAnswer.Invalid(status, why == null ? "keypool answered " + status : why);
        }
        throw new KeypoolUnavailableException("keypool answered " + status + " to a lease"
                + (body == null ? "" : ": " + body));
    }
}
