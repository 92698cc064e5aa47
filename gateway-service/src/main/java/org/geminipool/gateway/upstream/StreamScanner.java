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
    private static final byte[] ERROR_KEY = "\"error\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
        // Most events are answer chunks: only one that may hold an error is read as a tree.
        if (contains(bytes, ERROR_KEY)) {
            try {
                JsonNode node = JSON.readTree(bytes);
                JsonNode e = node == null ? null : node.get("error");
                if (e != null && !e.isNull()) {
                    error = e;
                    return;
                }
            } catch (Exception ignored) {
                // not JSON after all (a stray brace in an SSE comment): nothing to learn from it
                return;
            }
        }
        TokenUsage u = TokenUsage.scan(bytes);
        if (u != null) {
            usage = u;
        }
    }

    private static boolean contains(byte[] b, byte[] key) {
        outer:
        for (int i = 0; i <= b.length - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (b[i + j] != key[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    public TokenUsage usage() {
        return usage == null ? TokenUsage.NONE : usage;
    }

    /** The error object seen in the stream, or null. */
    public JsonNode error() {
        return error;
    }
}
