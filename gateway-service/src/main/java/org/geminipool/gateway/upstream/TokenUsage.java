package org.geminipool.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;

/** Tokens of one answer, from Google's usageMetadata or OpenAI's usage. */
public record TokenUsage(Long promptTokens, Long completionTokens, Long thoughtTokens) {

    public static final TokenUsage NONE = new TokenUsage(null, null, null);

    /** From a response object carrying {@code usageMetadata} (native) or {@code usage} (OpenAI); null when absent. */
    public static TokenUsage from(JsonNode response) {
        if (response == null || !response.isObject()) {
            return null;
        }
        JsonNode um = response.get("usageMetadata");
        if (um != null && um.isObject()) {
            return new TokenUsage(intOrNull(um, "promptTokenCount"), intOrNull(um, "candidatesTokenCount"),
                    intOrNull(um, "thoughtsTokenCount"));
        }
        JsonNode u = response.get("usage");
        if (u != null && u.isObject()) {
            JsonNode details = u.path("completion_tokens_details");
            return new TokenUsage(intOrNull(u, "prompt_tokens"), intOrNull(u, "completion_tokens"),
                    details.isObject() ? intOrNull(details, "reasoning_tokens") : null);
        }
        return null;
    }

    private static Long intOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.asLong() : null;
    }
}
