package org.geminipool.gateway.live;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.upstream.PerLoopHttpClient;
import org.geminipool.contract.live.LiveHeartbeat;
import org.geminipool.contract.live.LiveSlotGrant;
import org.geminipool.contract.live.LiveSlotLimit;
import org.geminipool.contract.live.LiveSlotRefusal;
import org.geminipool.contract.live.LiveSlotRequest;
import org.geminipool.gateway.quota.KeypoolEndpoint;

import java.util.List;

/**
 * The keypool's Live session slots ({@code /live-sessions}, keypool README "Live sessions") over a plain Vert.x client,
 * like the lease path: open a slot with a leased key, report a refusal, heartbeat, close. {@link #open} never fails (a
 * keypool that does not answer is {@link Opened.Unavailable}); the others fail their future when the keypool did not
 * take the call (the slot then expires by itself).
 */
@ApplicationScoped
public class LiveSlotClient {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final long TIMEOUT_MS = 4000;

    /** What the keypool said to a slot request. */
    public sealed interface Opened {
        record Granted(LiveSlotGrant grant) implements Opened {
        }

        /** No project can hold one more session now (LIVE_SESSIONS_FULL) or serve the model (the lease reasons). */
        record Refused(String reason, long retryAfterSeconds, String message) implements Opened {
        }

        /** The keypool refused the request as invalid (the client's input). */
        record Invalid(int status, String why) implements Opened {
        }

        record Unavailable(String why) implements Opened {
        }
    }

    @Inject
    Vertx vertx;

    @Inject
    KeypoolEndpoint keypool;

    /** Connections of its own (16), apart from the lease path's; {@link KeypoolEndpoint} closes them. */
    private PerLoopHttpClient http;

    @PostConstruct
    void init() {
        http = keypool.client(16);
    }

    public Future<Opened> open(LiveSlotRequest request) {
        return call(HttpMethod.POST, "/live-sessions", request).map(LiveSlotClient::opened)
                .recover(e -> Future.succeededFuture(new Opened.Unavailable(e.getClass().getSimpleName() + ": "
                        + e.getMessage())));
    }

    /** The project's limit after a refusal (null when the keypool no longer knew the slot). */
    public Future<LiveSlotLimit> refused(String sessionId, LiveSlotRefusal refusal) {
        return call(HttpMethod.POST, "/live-sessions/" + sessionId + "/refused", refusal).map(a -> {
            if (a.status() == 200) {
                try {
                    return JSON.readValue(a.body().getBytes(), LiveSlotLimit.class);
                } catch (java.io.IOException e) {
                    return null;
                }
            }
            return null;
        });
    }

    public Future<Void> release(String sessionId) {
        return call(HttpMethod.DELETE, "/live-sessions/" + sessionId, null).mapEmpty();
    }

    public Future<Integer> heartbeat(List<String> sessionIds) {
        return call(HttpMethod.POST, "/live-sessions/heartbeat", new LiveHeartbeat(sessionIds))
                .map(a -> a.status() == 200 ? readRenewed(a.body()) : 0);
    }

    private static int readRenewed(Buffer body) {
        try {
            return JSON.readTree(body.getBytes()).path("renewed").asInt(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    record Answer(int status, Buffer body) {
    }

    static Opened opened(Answer a) {
        JsonNode body = null;
        try {
            body = a.body() == null || a.body().length() == 0 ? null : JSON.readTree(a.body().getBytes());
        } catch (java.io.IOException ignored) {
            // no usable body
        }
        if (a.status() == 200 && body != null) {
            try {
                return new Opened.Granted(JSON.treeToValue(body, LiveSlotGrant.class));
            } catch (java.io.IOException e) {
                return new Opened.Unavailable("keypool granted an unreadable slot");
            }
        }
        String why = body == null ? "keypool answered " + a.status() : body.path("error").asText("keypool answered "
                + a.status());
        if (a.status() == 429) {
            return new Opened.Refused(body == null ? "NO_KEYS" : body.path("reason").asText("NO_KEYS"),
                    Math.max(1, body == null ? 10 : body.path("retryAfterSeconds").asLong(10)), why);
        }
        if (a.status() >= 400 && a.status() < 500 && a.status() != 401 && a.status() != 403 && a.status() != 408) {
            return new Opened.Invalid(a.status(), why);
        }
        return new Opened.Unavailable("keypool answered " + a.status() + " to a Live slot");
    }

    private Future<Answer> call(HttpMethod method, String path, Object body) {
        if (Vertx.currentContext() == null) {
            Promise<Answer> promise = Promise.promise();
            vertx.runOnContext(v -> call(method, path, body).onComplete(promise));
            return promise.future();
        }
        Buffer bytes;
        try {
            bytes = body == null ? Buffer.buffer() : Buffer.buffer(JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Future.failedFuture(e);
        }
        RequestOptions options = keypool.request(method, path, TIMEOUT_MS);
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return http.current().request(options).compose(req -> req.send(bytes))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)))
                .map(a -> {
                    if (a.status() >= 500 || a.status() == 401 || a.status() == 403) {
                        throw new IllegalStateException("keypool answered " + a.status() + " to " + method + " "
                                + path.replaceAll("[0-9a-f-]{36}", "{id}"));
                    }
                    return a;
                });
    }
}
