package org.geminipool.gateway.quota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.upstream.PerLoopHttpClient;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.lease.OutcomeBatch;
import org.geminipool.contract.lease.OutcomeReport;

import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The keypool's lease API on the request path, as plain Vert.x HTTP/1.1 clients (one per event loop) with keep-alive connections: the
 * request body is written by Jackson straight to bytes, the answer read from one buffer. Owns the circuit breaker
 * ({@link KeypoolBreaker}: 8 calls, 75 % failed → 5 s open) and one quick retry of a call that could not connect. Only
 * real keypool failures (no answer, 5xx, a refused internal token) fail the future and count for the breaker: a 4xx
 * about the request is an answer ({@link LeaseAnswer.Invalid}), so one client's bad input never opens the breaker for
 * everyone. Off the request path (readiness) the gateway uses a REST client ({@link KeypoolHealthApi}).
 */
@ApplicationScoped
public class KeypoolClient {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final com.fasterxml.jackson.databind.ObjectReader GRANT = JSON.readerFor(LeaseGrant.class);
    private static final com.fasterxml.jackson.databind.ObjectWriter WRITER = JSON.writer();
    private static final long TIMEOUT_MS = 4000;

    @Inject
    Vertx vertx;

    @Inject
    KeypoolEndpoint keypool;

    private final KeypoolBreaker breaker = new KeypoolBreaker(8, 0.75, 5000);
    private PerLoopHttpClient http;
    /** This client's connections (64 per event loop; {@link KeypoolEndpoint} closes them). */
    @PostConstruct
    void init() {
        http = keypool.client(64);
    }

    /** Never fails: a keypool that does not answer is {@link LeaseAnswer.Unavailable}. */
    public Future<LeaseAnswer> lease(LeaseRequest request) {
        return post("/leases", request).map(KeypoolClient::toAnswer)
                .recover(e -> Future.succeededFuture(new LeaseAnswer.Unavailable(e.getClass().getSimpleName() + ": "
                        + e.getMessage())));
    }

    /** Fails when the keypool did not take the outcome. */
    public Future<Void> outcome(String leaseId, OutcomeReport report) {
        return post("/leases/" + URLEncoder.encode(leaseId, StandardCharsets.UTF_8) + "/outcome", report)
                .map(answer -> {
                    if (answer.status >= 400 && answer.status != 404 && answer.status != 409) {
                        // 404/409: the lease is gone or settled already — nothing more to deliver.
                        throw new KeypoolUnavailableException("keypool answered " + answer.status + " to an outcome");
                    }
                    return null;
                });
    }

    /** The HTTP status of {@code POST /outcomes} (404/405: a keypool without batches). */
    public Future<Integer> outcomes(OutcomeBatch batch) {
        return post("/outcomes", batch).map(answer -> answer.status);
    }

    record Answer(int status, Buffer body) {
    }

    private Future<Answer> post(String path, Object body) {
        if (io.vertx.core.Vertx.currentContext() == null) {
            // Called from a plain thread (a scheduler, a test): issue the call on an event loop, so the answer's body
            // is read by the loop that receives it.
            io.vertx.core.Promise<Answer> promise = io.vertx.core.Promise.promise();
            vertx.runOnContext(v -> post(path, body).onComplete(promise));
            return promise.future();
        }
        long now = System.currentTimeMillis();
        if (!breaker.allow(now)) {
            return Future.failedFuture(new KeypoolUnavailableException("circuit open: the keypool failed recently"));
        }
        Buffer bytes;
        try {
            bytes = Buffer.buffer(WRITER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        return send(path, bytes).recover(e -> e instanceof ConnectException ? send(path, bytes) : Future.failedFuture(e))
                .andThen(ar -> {
                    if (ar.succeeded()) {
                        breaker.success();
                    } else {
                        breaker.failure(System.currentTimeMillis());
                    }
                });
    }

    private Future<Answer> send(String path, Buffer bytes) {
        RequestOptions options = keypool.request(HttpMethod.POST, path, TIMEOUT_MS)
                .putHeader("Content-Type", "application/json");
        return http.current().request(options)
                .compose(req -> req.send(bytes))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)))
                .map(answer -> {
                    if (answer.status >= 500 || answer.status == 401 || answer.status == 403) {
                        throw new KeypoolUnavailableException("keypool answered " + answer.status + " to " + path);
                    }
                    return answer;
                });
    }

    static LeaseAnswer toAnswer(Answer answer) {
        int status = answer.status;
        boolean empty = answer.body == null || answer.body.length() == 0;
        if (status == 200) {
            // The common answer, bound straight from the bytes (no tree).
            if (empty) {
                throw new KeypoolUnavailableException("keypool granted a lease without a body");
            }
            try {
                return new LeaseAnswer.Granted(GRANT.readValue(answer.body.getBytes()));
            } catch (java.io.IOException e) {
                throw new KeypoolUnavailableException("keypool granted an unreadable lease");
            }
        }
        JsonNode body = null;
        try {
            body = empty ? null : JSON.readTree(answer.body.getBytes());
        } catch (java.io.IOException ignored) {
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
        if (status >= 400 && status < 500 && status != 408) {
            String why = body == null ? null : body.path("message").asText(body.path("error").asText(null));
            return new LeaseAnswer.Invalid(status, why == null ? "keypool answered " + status : why);
        }
        throw new KeypoolUnavailableException("keypool answered " + status + " to a lease");
    }
}
