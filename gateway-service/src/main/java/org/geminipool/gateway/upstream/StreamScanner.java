package org.geminipool.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;

/**
 * Watches a streamed answer as it passes through, without holding it back: finds each top-level JSON object
 * (SSE {@code data: {…}} events, the elements of the JSON-array form, or a raw error object written after status
 * 200), remembers the latest token usage and whether an error object went by.
 */
public final class StreamScanner {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An object bigger than this (an inline image) is skipped rather than held in memory. */
    private static final int MAX_OBJECT_BYTES = 16 * 1024 * 1024;

    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean overflow;

    private TokenUsage usage;
    private JsonNode error;

    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (depth == 0) {
                if (b == '{') {
                    depth = 1;
                    current.reset();
                    overflow = false;
                    current.write(b);
                }
                continue;
            }
            if (!overflow) {
                if (current.size() >= MAX_OBJECT_BYTES) {
                    overflow = true;
                    current.reset();
                } else {
                    current.write(b);
                }
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{') {
                depth++;
            } else if (b == '}') {
                depth--;
                if (depth == 0 && !overflow) {
                    onObject(current.toByteArray());
                }
            }
        }
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    private void onObject(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null) {
                return;
            }
            JsonNode e = node.get("error");
            if (e != null && !e.isNull()) {
                error = e;
                return;
            }
            TokenUsage u = TokenUsage.from(node);
            if (u != null) {
                usage = u;
            }
        } catch (Exception ignored) {
            // not JSON after all (a stray brace in an SSE comment): nothing to learn from it
        }
    }

    public TokenUsage usage() {
        return usage == null ? TokenUsage.NONE : usage;
    }

    /** The error object seen in the stream, or null. */
    public JsonNode error() {
        return error;
    }
}
