package org.geminipool.gateway.translate.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.GeminiParts;

/**
 * Anthropic's error shape {@code {"type":"error","error":{"type":…,"message":…}}}. Status 503 (overloaded upstream,
 * key pool unreachable) is answered as Anthropic's 529 {@code overloaded_error}, which Claude Code and the SDK retry.
 */
public final class AnthropicErrors {

    private AnthropicErrors() {
    }

    public static String type(int status) {
        return switch (status) {
            case 400, 405, 411, 415, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408, 504 -> "timeout_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The HTTP status to answer: 503 → 529 (Anthropic's "overloaded"), every other status as it is. */
    public static int status(int status) {
        return status == 503 ? 529 : status;
    }

    public static ObjectNode body(int status, String message) {
        ObjectNode root = GeminiParts.JSON.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type(status)).put("message", message);
        return root;
    }
}
