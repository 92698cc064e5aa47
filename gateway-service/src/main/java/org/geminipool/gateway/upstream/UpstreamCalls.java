package org.geminipool.gateway.upstream;

import org.geminipool.gateway.attempt.BodyOptions;
import org.geminipool.gateway.attempt.Exchange;
import org.geminipool.gateway.http.Operation;
import org.geminipool.contract.ModelNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.gateway.routing.Target;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Builds the upstream request of one attempt. Gemini native bodies go out untouched (only a batchEmbedContents whose
 * per-request model differs from the routed model is rewritten, since Google requires them to match); OpenAI bodies get
 * the routed model. The client's token and headers are never forwarded: the leased key goes in {@code x-goog-api-key}
 * (native) or {@code Authorization: Bearer} (OpenAI-compatible, OpenRouter).
 */
public final class UpstreamCalls {

    public record UpstreamRequest(HttpMethod method, String url, MultiMap headers, Buffer body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Query parameters of native calls that go upstream; anything else (notably {@code key}) stays here. */
    private static final List<String> FORWARDED_QUERY = List.of("alt", "pageSize", "pageToken");

    private UpstreamCalls() {
    }

    public static UpstreamRequest build(Exchange ex, Target target, LeaseGrant lease, String geminiBase, String openRouterBase,
                                 String openRouterKey) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        Operation op = ex.call.operation();
        if (target.openRouter() && op.door()) {
            // A front door's translated request, re-expressed as OpenAI chat (translate.ChatBridge).
            boolean stream = ex.door != null && ex.door.stream();
            headers.set("Authorization", "Bearer " + openRouterKey).set("Content-Type", "application/json")
                    .set("Accept", stream ? "text/event-stream" : "application/json");
            return new UpstreamRequest(HttpMethod.POST, trim(openRouterBase) + "/chat/completions", headers,
                    json(org.geminipool.gateway.translate.ChatBridge.request(ex.json, target.model(), stream)));
        }
        if (target.openRouter()) {
            headers.set("Authorization", "Bearer " + openRouterKey).set("Content-Type", "application/json")
                    .set("Accept", ex.json.path("stream").asBoolean(false) ? "text/event-stream" : "application/json");
            return new UpstreamRequest(HttpMethod.POST, trim(openRouterBase) + "/chat/completions", headers,
                    withModel(ex.json, target.model()));
        }
        String base = trim(geminiBase);
        if (op.door()) {
            // A front door's request, already translated into a GenerateContentRequest (attempt.Door).
            headers.set("x-goog-api-key", lease.apiKey()).set("Content-Type", "application/json");
            boolean stream = ex.door != null && ex.door.stream();
            String method = stream ? "streamGenerateContent?alt=sse" : op.geminiMethod();
            String url = base + "/v1beta/models/" + segment(ModelNames.bare(target.model())) + ":" + method;
            ObjectNode body = target.rewritesBody() ? BodyOptions.gemini(ex.json, target) : ex.json;
            if (op == Operation.MESSAGES_COUNT_TOKENS) {
                // countTokens counts system instruction and tools only inside a generateContentRequest.
                ObjectNode wrapped = JSON.createObjectNode();
                ObjectNode inner = body.deepCopy();
                inner.put("model", "models/" + ModelNames.bare(target.model()));
                wrapped.set("generateContentRequest", inner);
                body = wrapped;
            }
            return new UpstreamRequest(HttpMethod.POST, url, headers, json(body));
        }
        switch (op) {
            case LIST_MODELS, GET_MODEL -> {
                headers.set("x-goog-api-key", lease.apiKey());
                String path = op == Operation.LIST_MODELS ? "/models"
                        : "/models/" + segment(ModelNames.bare(ex.call.pathModel()));
                return new UpstreamRequest(HttpMethod.GET, base + "/" + ex.call.apiVersion() + path + query(ex), headers,
                        null);
            }
            case OPENAI_LIST_MODELS, OPENAI_GET_MODEL -> {
                headers.set("Authorization", "Bearer " + lease.apiKey());
                String path = op == Operation.OPENAI_LIST_MODELS ? "/models"
                        : "/models/" + segment(ModelNames.bare(ex.call.pathModel()));
                return new UpstreamRequest(HttpMethod.GET, base + "/v1beta/openai" + path, headers, null);
            }
            case CHAT_COMPLETIONS -> {
                headers.set("Authorization", "Bearer " + lease.apiKey()).set("Content-Type", "application/json");
                return new UpstreamRequest(HttpMethod.POST, base + "/v1beta/openai/chat/completions", headers,
                        json(BodyOptions.openAiChat(ex.json, target)));
            }
            case EMBEDDINGS, IMAGE_GENERATIONS -> {
                headers.set("Authorization", "Bearer " + lease.apiKey()).set("Content-Type", "application/json");
                String path = op == Operation.EMBEDDINGS ? "/embeddings" : "/images/generations";
                return new UpstreamRequest(HttpMethod.POST, base + "/v1beta/openai" + path, headers,
                        withModel(ex.json, target.model()));
            }
            default -> {
                headers.set("x-goog-api-key", lease.apiKey()).set("Content-Type", "application/json");
                String url = base + "/" + ex.call.apiVersion() + "/models/" + segment(ModelNames.bare(target.model())) + ":"
                        + op.geminiMethod() + query(ex);
                Buffer body = ex.body;
                if (op == Operation.BATCH_EMBED_CONTENTS) {
                    body = batchWithModel(ex.json, ex.body, target.model());
                } else if ((op == Operation.GENERATE_CONTENT || op == Operation.STREAM_GENERATE_CONTENT)
                        && target.rewritesBody()) {
                    body = json(BodyOptions.gemini(ex.json, target));
                }
                return new UpstreamRequest(HttpMethod.POST, url, headers, body);
            }
        }
    }

    private static String trim(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String query(Exchange ex) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, String> e : ex.ctx.queryParams()) {
            if (FORWARDED_QUERY.contains(e.getKey())) {
                q.append(q.length() == 0 ? '?' : '&').append(enc(e.getKey())).append('=').append(enc(e.getValue()));
            }
        }
        return q.toString();
    }

    /**
     * One path segment, percent-encoded except for RFC 3986 unreserved characters: whatever a name holds, it stays one
     * segment of the path the gateway chose (no {@code /}, no dot segment), so no client can steer the upstream path.
     */
    static String segment(String s) {
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            throw new IllegalArgumentException("not a path segment: '" + s + "'");
        }
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Buffer withModel(ObjectNode json, String model) {
        if (model.equals(json.path("model").asText(null))) {
            return json(json);
        }
        ObjectNode copy = json.deepCopy();
        copy.put("model", model);
        return json(copy);
    }

    /** batchEmbedContents' requests[].model must name the URL's model: rewritten only when the route changed it. */
    private static Buffer batchWithModel(ObjectNode json, Buffer original, String model) {
        JsonNode requests = json.get("requests");
        boolean differs = false;
        if (requests != null && requests.isArray()) {
            for (JsonNode r : requests) {
                JsonNode m = r.get("model");
                if (m != null && m.isTextual() && !m.asText().equals("models/" + model) && !m.asText().equals(model)) {
                    differs = true;
                }
            }
        }
        if (!differs) {
            return original;
        }
        ObjectNode copy = json.deepCopy();
        for (JsonNode r : copy.get("requests")) {
            if (r.isObject() && r.has("model")) {
                ((ObjectNode) r).put("model", "models/" + model);
            }
        }
        return json(copy);
    }

    /**
     * A JSON tree serialised straight into the buffer that goes upstream (no intermediate String or byte[]: with a
     * 20 MB body each of those would be another full copy). Value nodes are shared by deepCopy, so the copies above
     * cost only the containers.
     */
    static Buffer json(JsonNode node) {
        ByteBuf out = Unpooled.buffer();
        try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
            JSON.writeValue((java.io.OutputStream) stream, node);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Buffer.buffer(out);
    }
}
