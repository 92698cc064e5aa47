package org.geminipool.gateway.console.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Shared plumbing of the two admin clients: building the REST client, calling it, reading its JSON. */
final class Backend {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);

    private final String name;
    private final String baseUrl;

    Backend(String name, String baseUrl) {
        this.name = name;
        this.baseUrl = baseUrl.replaceAll("/+$", "");
    }

    <T> T build(Class<T> api, Duration readTimeout) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(baseUrl))
                .connectTimeout(3, TimeUnit.SECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .build(api);
    }

    /** Calls and returns the body of a 2xx answer; anything else becomes a {@link BackendException}. */
    String call(String what, Supplier<Response> request) {
        Response response;
        try {
            response = request.get();
        } catch (jakarta.ws.rs.WebApplicationException e) {
            // The application's REST client settings may turn non-2xx answers into exceptions: same as an answer.
            response = e.getResponse();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new BackendException(name + " at " + baseUrl + " could not be reached for " + what + " ("
                    + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
                    + ")", 0, e);
        }
        try (Response answer = response) {
            String body;
            try {
                body = response.hasEntity() ? response.readEntity(String.class) : "";
            } catch (RuntimeException e) {
                body = "";
            }
            int status = response.getStatus();
            if (status >= 200 && status < 300) {
                return body;
            }
            throw new BackendException(name + " answered " + status + " to " + what + ": " + errorText(body, status),
                    status, null);
        }
    }

    <T> T read(String body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (Exception e) {
            throw new BackendException(name + " sent an answer the console cannot read: " + e.getMessage(), 200, e);
        }
    }

    <T> T read(String body, TypeReference<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (Exception e) {
            throw new BackendException(name + " sent an answer the console cannot read: " + e.getMessage(), 200, e);
        }
    }

    static String auth(String token) {
        return "Bearer " + token;
    }

    /** The {@code error} field of a JSON error body, else the (clipped) text, else the status. */
    static String errorText(String body, int status) {
        if (body == null || body.isBlank()) {
            return "HTTP " + status;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").isTextual() ? node.get("error").asText() : node.get("error").toString();
            }
        } catch (Exception ignored) {
            // not JSON: the text itself
        }
        String text = body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
