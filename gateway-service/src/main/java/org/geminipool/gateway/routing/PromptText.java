package org.geminipool.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;

/** The latest user message of a request, in either protocol, for keyword rules. */
public final class PromptText {

    private PromptText() {
    }

    /** Gemini native: the last {@code contents[]} entry with role user (or no role), its text parts joined. */
    public static String latestUserGemini(JsonNode body) {
        JsonNode contents = body == null ? null : body.get("contents");
        if (contents == null) {
            return null;
        }
        if (contents.isObject()) {
            return parts(contents.get("parts"));
        }
        if (!contents.isArray()) {
            return null;
        }
        for (int i = contents.size() - 1; i >= 0; i--) {
            JsonNode c = contents.get(i);
            JsonNode role = c.get("role");
            if (role == null || role.isNull() || "user".equals(role.asText())) {
                return parts(c.get("parts"));
            }
        }
        return null;
    }

    /** OpenAI chat: the last message with role user; content as a string or as text parts. */
    public static String latestUserOpenAi(JsonNode body) {
        JsonNode messages = body == null ? null : body.get("messages");
        if (messages == null || !messages.isArray()) {
            return null;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (m != null && "user".equals(m.path("role").asText())) {
                JsonNode content = m.get("content");
                if (content == null) {
                    return null;
                }
                if (content.isTextual()) {
                    return content.asText();
                }
                if (content.isArray()) {
                    StringBuilder sb = new StringBuilder();
                    for (JsonNode p : content) {
                        if ("text".equals(p.path("type").asText())) {
                            sb.append(p.path("text").asText()).append('\n');
                        }
                    }
                    return sb.toString();
                }
                return null;
            }
        }
        return null;
    }

    private static String parts(JsonNode parts) {
        if (parts == null || !parts.isArray()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts) {
            JsonNode t = p.get("text");
            if (t != null && t.isTextual()) {
                sb.append(t.asText()).append('\n');
            }
        }
        return sb.toString();
    }
}
