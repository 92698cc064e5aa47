package org.geminipool.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts Google's SSE stream ({@code data: {…}} events separated by blank lines, bytes arriving in any split) into JSON
 * objects. A payload that is not JSON is skipped.
 */
public final class SseEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An event larger than this (a huge inline image) is refused rather than held. */
    static final int MAX_EVENT_BYTES = 32 * 1024 * 1024;

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** The complete events in {@code bytes} (plus what was pending), as JSON. */
    public List<JsonNode> feed(byte[] bytes) {
        pending.write(bytes, 0, bytes.length);
        if (pending.size() > MAX_EVENT_BYTES) {
            throw new IllegalStateException("a stream event exceeds " + MAX_EVENT_BYTES + " bytes");
        }
        byte[] b = pending.toByteArray();
        List<JsonNode> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            int end = -1;
            if (b[i] == '\n' && i + 1 < b.length && b[i + 1] == '\n') {
                end = i + 2;
            } else if (b[i] == '\r' && i + 3 < b.length && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                end = i + 4;
            }
            if (end > 0) {
                parse(new String(b, start, end - start, StandardCharsets.UTF_8), out);
                start = end;
                i = end - 1;
            }
        }
        pending.reset();
        pending.write(b, start, b.length - start);
        return out;
    }

    /** What is left at the end of the stream (a last event without its blank line). */
    public List<JsonNode> end() {
        List<JsonNode> out = new ArrayList<>();
        if (pending.size() > 0) {
            parse(pending.toString(StandardCharsets.UTF_8), out);
            pending.reset();
        }
        return out;
    }

    private static void parse(String event, List<JsonNode> out) {
        StringBuilder data = new StringBuilder();
        for (String line : event.split("\r?\n")) {
            if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            } else if (line.startsWith("{") || line.startsWith("[")) {
                data.append(line.strip()); // a raw error object after status 200
            }
        }
        if (data.length() == 0) {
            return;
        }
        try {
            JsonNode node = JSON.readTree(data.toString());
            if (node != null && node.isArray() && !node.isEmpty()) {
                node = node.get(0);
            }
            if (node != null && node.isObject()) {
                out.add(node);
            }
        } catch (Exception ignored) {
            // not JSON: nothing to translate
        }
    }

    /** One SSE event with a name ({@code event: name}) and a JSON payload. */
    public static String named(String name, JsonNode data) {
        return "event: " + name + "\ndata: " + data.toString() + "\n\n";
    }
}
