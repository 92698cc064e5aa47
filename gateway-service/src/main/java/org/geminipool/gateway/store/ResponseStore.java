package org.geminipool.gateway.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Responses door's stored responses, kept by usage-service ({@code /internal/responses/{id}}, internal token), so
 * that {@code GET /v1/responses/{id}} and {@code previous_response_id} work on every gateway replica (the gateway has
 * no database). A stored document is {@code {"response": <Response object>, "contents": [<Gemini contents of the whole
 * chain, this turn's answer included>]}}, owned by the client token id.
 */
@ApplicationScoped
public class ResponseStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored response: the document and the Google project that answered it. */
    public record Stored(ObjectNode document, String project) {
    }

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    private HttpClient client;

    @PostConstruct
    void init() {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2000)
                .setIdleTimeout(30));
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }

    public Future<Void> put(String id, String owner, String project, ObjectNode document) {
        ObjectNode entry = JSON.createObjectNode().put("owner", owner).put("data", document.toString());
        if (project != null) {
            entry.put("project", project);
        }
        return call(HttpMethod.PUT, "/internal/responses/" + id, Buffer.buffer(entry.toString())).compose(r -> {
            if (r.status() / 100 == 2) {
                return Future.succeededFuture();
            }
            return Future.failedFuture("usage-service refused to store the response (" + r.status() + ")");
        });
    }

    /** The owner's stored response, or null when there is none (unknown, expired, another client's). */
    public Future<Stored> get(String id, String owner) {
        return call(HttpMethod.GET, "/internal/responses/" + id + "?owner=" + URLEncoder.encode(owner, StandardCharsets.UTF_8),
                null).compose(r -> {
            if (r.status() == 404) {
                return Future.succeededFuture(null);
            }
            if (r.status() != 200) {
                return Future.failedFuture("usage-service answered " + r.status());
            }
            try {
                JsonNode entry = JSON.readTree(r.body().getBytes());
                JsonNode doc = JSON.readTree(entry.path("data").asText("{}"));
                return Future.succeededFuture(new Stored((ObjectNode) doc, entry.path("project").asText(null)));
            } catch (Exception e) {
                return Future.failedFuture("unreadable stored response: " + e.getMessage());
            }
        });
    }

    public Future<Boolean> delete(String id, String owner) {
        return call(HttpMethod.DELETE, "/internal/responses/" + id + "?owner=" + URLEncoder.encode(owner, StandardCharsets.UTF_8),
                null).map(r -> r.status() / 100 == 2);
    }

    private record Answer(int status, Buffer body) {
    }

    private Future<Answer> call(HttpMethod method, String path, Buffer body) {
        String base = config.usageUrl().endsWith("/") ? config.usageUrl().substring(0, config.usageUrl().length() - 1)
                : config.usageUrl();
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(base + path).setTimeout(10_000)
                .putHeader("Authorization", "Bearer " + config.internalToken().orElse(""))
                .putHeader("Content-Type", "application/json");
        return client.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b)));
    }
}
