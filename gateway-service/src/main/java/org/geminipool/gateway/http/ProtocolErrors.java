package org.geminipool.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.common.upstream.UpstreamErrorClassifier;

import java.util.regex.Pattern;

/**
 * Error bodies in each protocol: Google's {@code {"error":{"code","message","status"}}} (array-wrapped on the JSON-array
 * stream form) and OpenAI's {@code {"error":{"message","type","code"}}}. Also turns an upstream error into the client's
 * protocol, and masks any API key an upstream message carries (Google names the key in some 403s).
 */
public final class ProtocolErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProtocolErrors() {
    }

    public static String googleStatus(int status) {
        return switch (status) {
            case 400, 405, 411, 413, 415 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "UNIMPLEMENTED";
            case 503, 502 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }

    public static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    static String openAiCode(int status) {
        return switch (status) {
            case 401 -> "invalid_api_key";
            case 404 -> "model_not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_exceeded";
            default -> status >= 500 ? "upstream_unavailable" : "invalid_request";
        };
    }

    public static ObjectNode googleError(int status, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("code", status).put("message", message).put("status", googleStatus(status));
        ObjectNode root = JSON.createObjectNode();
        root.set("error", error);
        return root;
    }

    public static ObjectNode openAiError(int status, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("message", message).put("type", openAiType(status)).putNull("param").put("code", openAiCode(status));
        ObjectNode root = JSON.createObjectNode();
        root.set("error", error);
        return root;
    }

    /** The full error body for the call's protocol (array-wrapped for the Gemini JSON-array stream form). */
    public static String body(Protocol protocol, boolean arrayWrapped, int status, String message) {
        String safe = scrub(message);
        if (protocol == Protocol.ANTHROPIC) {
            return org.geminipool.gateway.translate.anthropic.AnthropicErrors.body(status, safe).toString();
        }
        if (protocol == Protocol.OPENAI) {
            return openAiError(status, safe).toString();
        }
        ObjectNode e = googleError(status, safe);
        if (arrayWrapped) {
            ArrayNode a = JSON.createArrayNode();
            a.add(e);
            return a.toString();
        }
        return e.toString();
    }

    /**
     * An upstream error answer re-expressed for the client: Gemini routes get Google's body as is (keys masked);
     * OpenAI routes get Google's array-wrapped error (or OpenRouter's) unwrapped into OpenAI's shape.
     */
    public static String fromUpstream(Protocol protocol, boolean arrayWrapped, int status, String upstreamBody) {
        if (protocol == Protocol.GEMINI) {
            if (UpstreamErrorClassifier.errorObject(upstreamBody) == null) {
                return body(protocol, arrayWrapped, status, "upstream answered " + status);
            }
            return scrub(upstreamBody);
        }
        JsonNode error = UpstreamErrorClassifier.errorObject(upstreamBody);
        String message = error == null ? "upstream answered " + status : error.path("message").asText("upstream answered " + status);
        if (protocol == Protocol.ANTHROPIC) {
            return org.geminipool.gateway.translate.anthropic.AnthropicErrors.body(status, scrub(message)).toString();
        }
        ObjectNode out = openAiError(status, scrub(message));
        if (error != null && error.path("status").isTextual()) {
            ((ObjectNode) out.get("error")).put("code", error.path("status").asText());
        }
        return out.toString();
    }

    /** A Google error object met inside an OpenAI stream, as OpenAI's error object. */
    public static String openAiFromGoogleError(JsonNode googleError) {
        int code = googleError.path("code").asInt(502);
        ObjectNode out = openAiError(code, scrub(googleError.path("message").asText("upstream error")));
        if (googleError.path("status").isTextual()) {
            ((ObjectNode) out.get("error")).put("code", googleError.path("status").asText());
        }
        return out.toString();
    }

    /** Masks every key-shaped token of every kind Google issues (common ApiKeys). */
    public static String scrub(String text) {
        return org.geminipool.contract.ApiKeys.scrub(text);
    }
}
