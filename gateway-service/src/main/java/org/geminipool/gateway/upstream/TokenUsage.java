package org.geminipool.gateway.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Tokens of one answer, from Google's usageMetadata or OpenAI's usage. */
public record TokenUsage(Long promptTokens, Long completionTokens, Long thoughtTokens) {

    public static final TokenUsage NONE = new TokenUsage(null, null, null);

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final byte[] GEMINI_KEY = "\"usageMetadata\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPENAI_KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    /** From a response object carrying {@code usageMetadata} (native) or {@code usage} (OpenAI); null when absent. */
    public static TokenUsage from(JsonNode response) {
        if (response == null || !response.isObject()) {
            return null;
        }
        JsonNode um = response.get("usageMetadata");
        if (um != null && um.isObject()) {
            return new TokenUsage(longOrNull(um, "promptTokenCount"), longOrNull(um, "candidatesTokenCount"),
                    longOrNull(um, "thoughtsTokenCount"));
        }
        JsonNode u = response.get("usage");
        if (u != null && u.isObject()) {
            JsonNode details = u.path("completion_tokens_details");
            return new TokenUsage(longOrNull(u, "prompt_tokens"), longOrNull(u, "completion_tokens"),
                    details.isObject() ? longOrNull(details, "reasoning_tokens") : null);
        }
        return null;
    }

    /**
     * The usage of a whole answer without building a tree of it: the last {@code "usageMetadata"} (else
     * {@code "usage"}) key is found from the end (both come after the candidates / choices), and only the object after
     * it is read with the streaming parser. A key that turns out to be text inside a string fails the read; then the
     * earlier occurrence is tried. Null when the answer carries no usage.
     */
    public static TokenUsage scan(byte[] body, int offset, int length) {
        TokenUsage u = scanFor(body, offset, length, GEMINI_KEY, true);
        return u != null ? u : scanFor(body, offset, length, OPENAI_KEY, false);
    }

    public static TokenUsage scan(byte[] body) {
        return scan(body, 0, body.length);
    }

    private static TokenUsage scanFor(byte[] body, int offset, int length, byte[] key, boolean gemini) {
        int end = offset + length;
        for (int tries = 0, at = lastIndexOf(body, offset, end, key); at >= 0 && tries < 4;
                tries++, at = lastIndexOf(body, offset, at, key)) {
            int i = skipSpace(body, at + key.length, end);
            if (i >= end || body[i] != ':') {
                continue;
            }
            i = skipSpace(body, i + 1, end);
            if (i >= end || body[i] != '{') {
                continue;
            }
            TokenUsage u = readObject(body, i, end - i, gemini);
            if (u != null) {
                return u;
            }
        }
        return null;
    }

    private static TokenUsage readObject(byte[] body, int offset, int length, boolean gemini) {
        Long prompt = null;
        Long completion = null;
        Long thoughts = null;
        try (JsonParser p = FACTORY.createParser(body, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NUMBER_INT) {
                    long n = p.getLongValue();
                    switch (name) {
                        case "promptTokenCount", "prompt_tokens" -> prompt = n;
                        case "candidatesTokenCount", "completion_tokens" -> completion = n;
                        case "thoughtsTokenCount" -> thoughts = gemini ? n : thoughts;
                        default -> { }
                    }
                } else if (!gemini && v == JsonToken.START_OBJECT && "completion_tokens_details".equals(name)) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && "reasoning_tokens".equals(inner)) {
                            thoughts = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return new TokenUsage(prompt, completion, thoughts);
    }

    private static int lastIndexOf(byte[] b, int from, int before, byte[] key) {
        for (int i = before - key.length; i >= from; i--) {
            int j = 0;
            while (j < key.length && b[i + j] == key[j]) {
                j++;
            }
            if (j == key.length) {
                return i;
            }
        }
        return -1;
    }

    private static int skipSpace(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    private static Long longOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.asLong() : null;
    }
}
