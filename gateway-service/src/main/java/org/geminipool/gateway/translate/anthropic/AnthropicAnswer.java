package org.geminipool.gateway.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.Signatures;

/** Gemini GenerateContentResponse → Anthropic Message (and the pieces the stream shares). Pure. */
public final class AnthropicAnswer {

    /** The {@code signature} of a thinking block whose thought part carried none (Anthropic's SDKs want a string). */
    public static final String NO_SIGNATURE = "gp-none";

    private AnthropicAnswer() {
    }

    public static ObjectNode message(JsonNode gemini, String model) {
        ObjectNode m = GeminiParts.JSON.createObjectNode();
        String rid = gemini.path("responseId").asText("");
        m.put("id", rid.isEmpty() ? Signatures.randomId("msg_") : "msg_" + rid.replaceAll("[^A-Za-z0-9_-]", ""));
        m.put("type", "message").put("role", "assistant").put("model", model);
        ArrayNode content = m.putArray("content");
        boolean toolUse = false;
        for (JsonNode p : GeminiParts.parts(gemini)) {
            if (p.path("thought").asBoolean(false) && p.path("text").isTextual()) {
                content.addObject().put("type", "thinking").put("thinking", p.get("text").asText())
                        .put("signature", signatureOrNone(p));
            } else if (p.has("functionCall")) {
                toolUse = true;
                content.add(toolUse(p));
            } else if (p.path("text").isTextual()) {
                if (!p.get("text").asText().isEmpty()) {
                    content.addObject().put("type", "text").put("text", p.get("text").asText());
                }
            }
        }
        m.put("stop_reason", stopReason(GeminiParts.finishReason(gemini), toolUse));
        m.putNull("stop_sequence");
        m.set("usage", usage(gemini.path("usageMetadata")));
        return m;
    }

    static String signatureOrNone(JsonNode part) {
        String s = GeminiParts.signature(part);
        return s == null ? NO_SIGNATURE : s;
    }

    /** A tool_use block; the call's thought signature travels in its id. */
    static ObjectNode toolUse(JsonNode part) {
        JsonNode fc = part.get("functionCall");
        ObjectNode b = GeminiParts.JSON.createObjectNode();
        b.put("type", "tool_use").put("id", Signatures.idWith("toolu_", GeminiParts.signature(part)))
                .put("name", fc.path("name").asText(""));
        JsonNode args = fc.get("args");
        b.set("input", args != null && args.isObject() ? args : GeminiParts.JSON.createObjectNode());
        return b;
    }

    /** Gemini finishReason → Anthropic stop_reason. */
    public static String stopReason(String finish, boolean toolUse) {
        if (toolUse) {
            return "tool_use";
        }
        if (finish == null) {
            return "end_turn";
        }
        return switch (finish) {
            case "MAX_TOKENS" -> "max_tokens";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "refusal";
            default -> "end_turn";
        };
    }

    /** usageMetadata → Anthropic usage (output counts the answer and the thoughts: both are billed as output). */
    public static ObjectNode usage(JsonNode um) {
        ObjectNode u = GeminiParts.JSON.createObjectNode();
        long cached = GeminiParts.count(um, "cachedContentTokenCount");
        u.put("input_tokens", GeminiParts.count(um, "promptTokenCount") - cached);
        u.put("cache_creation_input_tokens", 0);
        u.put("cache_read_input_tokens", cached);
        u.put("output_tokens", GeminiParts.count(um, "candidatesTokenCount") + GeminiParts.count(um, "thoughtsTokenCount"));
        return u;
    }

    /** countTokens' answer → {@code {"input_tokens": n}}. */
    public static ObjectNode countTokens(JsonNode gemini) {
        ObjectNode o = GeminiParts.JSON.createObjectNode();
        o.put("input_tokens", gemini.path("totalTokens").asLong(0));
        return o;
    }
}
