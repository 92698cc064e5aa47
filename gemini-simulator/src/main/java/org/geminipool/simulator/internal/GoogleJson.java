package org.geminipool.simulator.internal;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Google's pretty-printed JSON style (two-space indent, {@code "key": value}), as seen in every error body
 * and in the JSON-array stream. Compact output uses Vert.x's encoder.
 */
public final class GoogleJson {

    private GoogleJson() {
    }

    public static String pretty(Object value) {
        StringBuilder b = new StringBuilder(256);
        write(b, value, 0);
        return b.toString();
    }

    public static String compact(JsonObject o) {
        return o.encode();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder b, Object v, int depth) {
        if (v instanceof JsonObject o) {
            v = o.getMap();
        } else if (v instanceof JsonArray a) {
            v = a.getList();
        }
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append("{\n");
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                indent(b, depth + 1);
                b.append(Json.encode(String.valueOf(e.getKey()))).append(": ");
                write(b, e.getValue(), depth + 1);
                b.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(b, depth);
            b.append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                indent(b, depth + 1);
                write(b, l.get(i), depth + 1);
                b.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            indent(b, depth);
            b.append(']');
        } else {
            b.append(Json.encode(v));
        }
    }

    private static void indent(StringBuilder b, int depth) {
        for (int i = 0; i < depth; i++) {
            b.append("  ");
        }
    }
}
