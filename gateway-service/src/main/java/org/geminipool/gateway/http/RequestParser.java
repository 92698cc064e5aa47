package org.geminipool.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * From a client's method and path to an {@link ApiCall}, and the request body checks the gateway makes before leasing
 * anything (so a bad request never costs quota). Protocol of a path: {@code /v1beta/openai/…}, {@code /v1/chat…},
 * {@code /v1/embeddings} and {@code GET /v1/models[/{id}]} are OpenAI; every other {@code /v1beta} and {@code /v1}
 * path is Gemini native.
 */
public final class RequestParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestParser() {
    }

    /** The protocol to answer in, from the path alone (also used for errors before the call is parsed). */
    public static Protocol protocolOf(String path) {
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) {
            return Protocol.ANTHROPIC;
        }
        if (path.startsWith("/v1beta/openai/") || path.equals("/v1beta/openai")) {
            return Protocol.OPENAI;
        }
        if (path.startsWith("/v1beta/")) {
            return Protocol.GEMINI;
        }
        if (path.startsWith("/v1/models/") && decodeColon(path).substring("/v1/models/".length()).contains(":")) {
            return Protocol.GEMINI;
        }
        return Protocol.OPENAI;
    }

    public static ApiCall parse(HttpMethod method, String rawPath, String alt) {
        String path = decodeColon(rawPath);
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (protocolOf(path) == Protocol.ANTHROPIC) {
            if (path.equals("/v1/messages")) {
                requireMethod(method, HttpMethod.POST, path);
                return new ApiCall(Operation.MESSAGES, "v1beta", null, false);
            }
            if (path.equals("/v1/messages/count_tokens")) {
                requireMethod(method, HttpMethod.POST, path);
                return new ApiCall(Operation.MESSAGES_COUNT_TOKENS, "v1beta", null, false);
            }
            throw new ClientError(404, "no such route: " + method + " " + rawPath
                    + " (POST /v1/messages, POST /v1/messages/count_tokens)");
        }
        String openAiRest = null;
        if (path.startsWith("/v1beta/openai/")) {
            openAiRest = path.substring("/v1beta/openai".length());
        } else if (path.startsWith("/v1/") && protocolOf(path) == Protocol.OPENAI) {
            openAiRest = path.substring("/v1".length());
        }
        if (openAiRest != null) {
            return parseOpenAi(method, openAiRest);
        }
        String version = path.startsWith("/v1beta/") ? "v1beta" : "v1";
        String rest = path.substring(version.length() + 1);
        if (rest.equals("/models")) {
            requireMethod(method, HttpMethod.GET, path);
            return new ApiCall(Operation.LIST_MODELS, version, null, false);
        }
        if (!rest.startsWith("/models/") || rest.length() == "/models/".length()) {
            throw new ClientError(404, "no such route: " + method + " " + rawPath);
        }
        String tail = rest.substring("/models/".length());
        int colon = tail.lastIndexOf(':');
        if (colon < 0) {
            if (tail.contains("/")) {
                throw new ClientError(404, "no such route: " + method + " " + rawPath);
            }
            requireMethod(method, HttpMethod.GET, path);
            return new ApiCall(Operation.GET_MODEL, version, tail, false);
        }
        String model = tail.substring(0, colon);
        Operation op = Operation.ofGeminiMethod(tail.substring(colon + 1));
        if (op == null || model.isEmpty() || model.contains("/")) {
            throw new ClientError(404, "no such method: " + method + " " + rawPath
                    + " (generateContent, streamGenerateContent, countTokens, embedContent, batchEmbedContents)");
        }
        requireMethod(method, HttpMethod.POST, path);
        return new ApiCall(op, version, model, op == Operation.STREAM_GENERATE_CONTENT && "sse".equalsIgnoreCase(alt));
    }

    private static ApiCall parseOpenAi(HttpMethod method, String rest) {
        switch (rest) {
            case "/chat/completions" -> {
                requireMethod(method, HttpMethod.POST, rest);
                return new ApiCall(Operation.CHAT_COMPLETIONS, null, null, true);
            }
            case "/embeddings" -> {
                requireMethod(method, HttpMethod.POST, rest);
                return new ApiCall(Operation.EMBEDDINGS, null, null, false);
            }
            case "/images/generations" -> {
                requireMethod(method, HttpMethod.POST, rest);
                return new ApiCall(Operation.IMAGE_GENERATIONS, null, null, false);
            }
            case "/responses" -> {
                requireMethod(method, HttpMethod.POST, rest);
                return new ApiCall(Operation.RESPONSES, "v1beta", null, false);
            }
            case "/models" -> {
                requireMethod(method, HttpMethod.GET, rest);
                return new ApiCall(Operation.OPENAI_LIST_MODELS, null, null, false);
            }
            default -> {
                if (rest.startsWith("/responses/") && rest.length() > "/responses/".length()
                        && !rest.substring("/responses/".length()).contains("/")) {
                    requireMethod(method, HttpMethod.GET, rest);
                    return new ApiCall(Operation.GET_RESPONSE, null, rest.substring("/responses/".length()), false);
                }
                if (rest.startsWith("/models/") && rest.length() > "/models/".length()) {
                    requireMethod(method, HttpMethod.GET, rest);
                    return new ApiCall(Operation.OPENAI_GET_MODEL, null, rest.substring("/models/".length()), false);
                }
                throw new ClientError(404, "no such route: " + method + " /v1" + rest
                        + " (POST /v1/chat/completions, POST /v1/responses, GET /v1/responses/{id}, POST /v1/embeddings,"
                        + " POST /v1/images/generations, GET /v1/models)");
            }
        }
    }

    private static void requireMethod(HttpMethod method, HttpMethod expected, String path) {
        if (!expected.equals(method)) {
            throw new ClientError(405, "method " + method + " is not allowed on " + path + "; use " + expected);
        }
    }

    private static String decodeColon(String path) {
        return path.replace("%3A", ":").replace("%3a", ":");
    }

    /** Parses and checks the body of a POST call; returns the JSON object (400 with a clear message otherwise). */
    public static ObjectNode body(ApiCall call, Buffer body) {
        if (body == null || body.length() == 0) {
            throw new ClientError(400, "the request body is empty; send a JSON object");
        }
        JsonNode node;
        try {
            // Read from the buffer itself: no byte[] copy of a body that may be 20 MB.
            node = JSON.readTree(new ByteBufInputStream(body.getByteBuf()));
        } catch (Exception e) {
            throw new ClientError(400, "the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new ClientError(400, "the request body must be a JSON object");
        }
        ObjectNode o = (ObjectNode) node;
        switch (call.operation()) {
            case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> requireNonEmpty(o, "contents");
            case COUNT_TOKENS -> {
                if (!o.has("contents") && !o.has("generateContentRequest") && !o.has("generate_content_request")) {
                    throw new ClientError(400, "contents (or generateContentRequest) is required");
                }
            }
            case EMBED_CONTENT -> {
                if (!o.path("content").isObject()) {
                    throw new ClientError(400, "content is required (an object with parts)");
                }
            }
            case BATCH_EMBED_CONTENTS -> requireNonEmpty(o, "requests");
            case CHAT_COMPLETIONS -> {
                requireNonEmpty(o, "messages");
                if (o.has("model") && !o.get("model").isTextual()) {
                    throw new ClientError(400, "model must be a string");
                }
                if (o.has("stream") && !o.get("stream").isBoolean() && !o.get("stream").isNull()) {
                    throw new ClientError(400, "stream must be a boolean");
                }
            }
            case EMBEDDINGS -> {
                JsonNode in = o.get("input");
                if (in == null || in.isNull() || (in.isTextual() && in.asText().isEmpty()) || (in.isArray() && in.isEmpty())) {
                    throw new ClientError(400, "input is required (a string or a list of strings)");
                }
                if (o.has("model") && !o.get("model").isTextual()) {
                    throw new ClientError(400, "model must be a string");
                }
            }
            case IMAGE_GENERATIONS -> {
                JsonNode prompt = o.get("prompt");
                if (prompt == null || !prompt.isTextual() || prompt.asText().isBlank()) {
                    throw new ClientError(400, "prompt is required (a non-empty string)");
                }
                if (o.has("model") && !o.get("model").isTextual()) {
                    throw new ClientError(400, "model must be a string");
                }
            }
            default -> {
            }
        }
        return o;
    }

    private static void requireNonEmpty(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull() || (v.isArray() && v.isEmpty()) || !(v.isArray() || v.isObject())) {
            throw new ClientError(400, field + " is required and must not be empty");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
