package org.geminipool.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers over Gemini's request and answer JSON, shared by both doors. */
public final class GeminiParts {

    public static final ObjectMapper JSON = new ObjectMapper();

    private GeminiParts() {
    }

    /** The parts of the first candidate of a GenerateContentResponse (empty when none). */
    public static JsonNode parts(JsonNode response) {
        return response.path("candidates").path(0).path("content").path("parts");
    }

    public static String finishReason(JsonNode response) {
        return response.path("candidates").path(0).path("finishReason").asText(null);
    }

    public static String signature(JsonNode part) {
        JsonNode s = part.has("thoughtSignature") ? part.get("thoughtSignature") : part.get("thought_signature");
        return s != null && s.isTextual() && !s.asText().isEmpty() ? s.asText() : null;
    }

    /** An inline-data part from a {@code data:<mime>;base64,<data>} URL, or a fileData part for any other URL. */
    public static ObjectNode mediaPart(String url, String mimeHint) {
        ObjectNode part = JSON.createObjectNode();
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            int semi = url.indexOf(';');
            if (comma < 0 || semi < 0 || semi > comma || !url.substring(semi, comma).contains("base64")) {
                throw new TranslationException("an image/file data URL must be data:<mime>;base64,<data>");
            }
            part.putObject("inlineData").put("mimeType", url.substring(5, semi)).put("data", url.substring(comma + 1));
            return part;
        }
        ObjectNode fd = part.putObject("fileData").put("fileUri", url);
        if (mimeHint != null) {
            fd.put("mimeType", mimeHint);
        }
        return part;
    }

    /** A JSON object from a function call's {@code arguments} string ({@code {}} when empty). */
    public static JsonNode argumentsObject(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return JSON.createObjectNode();
        }
        if (arguments.isObject()) {
            return arguments;
        }
        String s = arguments.asText("");
        if (s.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(s);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (Exception ignored) {
            // reported below
        }
        throw new TranslationException("function call arguments must be a JSON object: " + abbreviate(s));
    }

    static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** Text of a {@code usageMetadata} field as a long (0 when absent). */
    public static long count(JsonNode usage, String field) {
        return usage.path(field).asLong(0);
    }
}
