package org.geminipool.gateway.routing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.HashMap;
import java.util.Map;

/** Line numbers of places in a YAML document, so a rejected routing file names the line that is wrong. */
final class YamlLines {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlLines() {
    }

    /**
     * The 1-based line of {@code where} ({@code routes[0].match.foo}); when that exact place is absent, the line of
     * the nearest enclosing one. Null when the document cannot be read.
     */
    static Integer lineOf(String yaml, String where) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = FACTORY.createParser(yaml)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                JsonStreamContext ctx = p.getParsingContext();
                if ((t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) && ctx.getParent() != null) {
                    ctx = ctx.getParent();
                }
                lines.putIfAbsent(ctx.pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
            }
        } catch (Exception e) {
            return null;
        }
        String pointer = "/" + where.replace("[", ".").replace("]", "").replace('.', '/');
        while (true) {
            Integer line = lines.get(pointer);
            if (line != null) {
                return line;
            }
            int slash = pointer.lastIndexOf('/');
            if (slash <= 0) {
                return lines.get("");
            }
            pointer = pointer.substring(0, slash);
        }
    }
}
