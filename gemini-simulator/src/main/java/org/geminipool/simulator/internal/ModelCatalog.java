package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models the simulated Google serves, with the Model resource fields of
 * ai.google.dev/api/models#Model, and the free-tier limits Google published mid-2025
 * (ai.google.dev/gemini-api/docs/rate-limits; see /work/shared/reference/gemini-api.md "Limits").
 */
public final class ModelCatalog {

    public enum Kind { TEXT, EMBEDDING, IMAGE }

    public record Model(String name, String version, String displayName, String description, int inputTokenLimit,
                        int outputTokenLimit, List<String> methods, Kind kind, boolean thinking,
                        boolean thinksByDefault, boolean thinkingRequired, int embeddingDims, Quota freeTier) {

        public boolean supports(String method) {
            if ("streamGenerateContent".equals(method)) {
                return methods.contains("generateContent");
            }
            if ("batchEmbedContents".equals(method)) {
                return methods.contains("embedContent");
            }
            return methods.contains(method);
        }

        public JsonObject toJson() {
            JsonObject o = new JsonObject()
                    .put("name", "models/" + name)
                    .put("version", version)
                    .put("displayName", displayName)
                    .put("description", description)
                    .put("inputTokenLimit", inputTokenLimit)
                    .put("outputTokenLimit", outputTokenLimit)
                    .put("supportedGenerationMethods", new JsonArray(List.copyOf(methods)));
            if (kind != Kind.EMBEDDING) {
                o.put("temperature", 1).put("topP", 0.95).put("topK", name.startsWith("gemini-2.0") ? 40 : 64)
                        .put("maxTemperature", 2);
            }
            if (thinking) {
                o.put("thinking", true);
            }
            return o;
        }
    }

    private static final List<String> TEXT_METHODS =
            List.of("generateContent", "countTokens", "createCachedContent", "batchGenerateContent");
    private static final List<String> EMBED_METHODS =
            List.of("embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent");

    private static final Map<String, Model> MODELS = new LinkedHashMap<>();

    static {
        text("gemini-2.5-pro", "2.5", "Gemini 2.5 Pro", "Stable release (June 17th, 2025) of Gemini 2.5 Pro",
                65536, true, true, true, 5, 100);
        text("gemini-2.5-flash", "001", "Gemini 2.5 Flash",
                "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.",
                65536, true, true, false, 10, 250);
        text("gemini-2.5-flash-lite", "001", "Gemini 2.5 Flash-Lite", "Stable version of Gemini 2.5 Flash-Lite, released in July of 2025",
                65536, true, false, false, 15, 1000);
        text("gemini-2.5-flash-preview-09-2025", "2.5-preview-09-25", "Gemini 2.5 Flash Preview Sep 2025",
                "Gemini 2.5 Flash Preview Sep 2025", 65536, true, true, false, 10, 250);
        text("gemini-2.5-flash-lite-preview-09-2025", "2.5-preview-09-25", "Gemini 2.5 Flash-Lite Preview Sep 2025",
                "Preview release (Septempber 25th, 2025) of Gemini 2.5 Flash-Lite", 65536, true, false, false, 15, 1000);
        text("gemini-2.0-flash", "2.0", "Gemini 2.0 Flash", "Gemini 2.0 Flash", 8192, false, false, false, 15, 200);
        text("gemini-2.0-flash-001", "2.0", "Gemini 2.0 Flash 001",
                "Stable version of Gemini 2.0 Flash, our fast and versatile multimodal model for scaling across diverse tasks, released in January of 2025.",
                8192, false, false, false, 15, 200);
        text("gemini-2.0-flash-lite", "2.0", "Gemini 2.0 Flash-Lite", "Gemini 2.0 Flash-Lite", 8192, false, false, false, 30, 200);
        text("gemini-2.0-flash-lite-001", "2.0", "Gemini 2.0 Flash-Lite 001", "Stable version of Gemini 2.0 Flash-Lite",
                8192, false, false, false, 30, 200);
        MODELS.put("gemini-2.5-flash-image", new Model("gemini-2.5-flash-image", "2.0", "Nano Banana",
                "Gemini 2.5 Flash Preview Image", 32768, 32768, List.of("generateContent", "countTokens", "batchGenerateContent"),
                Kind.IMAGE, false, false, false, 0, new Quota(0, 0)));
        MODELS.put("gemini-embedding-001", new Model("gemini-embedding-001", "001", "Gemini Embedding 001",
                "Obtain a distributed representation of a text.", 2048, 1, EMBED_METHODS, Kind.EMBEDDING, false, false,
                false, 3072, new Quota(100, 1000)));
        MODELS.put("text-embedding-004", new Model("text-embedding-004", "004", "Text Embedding 004",
                "Obtain a distributed representation of a text.", 2048, 1, List.of("embedContent"), Kind.EMBEDDING,
                false, false, false, 768, new Quota(100, 1000)));
    }

    private static void text(String name, String version, String display, String description, int outLimit,
                             boolean thinking, boolean thinksByDefault, boolean thinkingRequired, int rpm, int rpd) {
        MODELS.put(name, new Model(name, version, display, description, 1_048_576, outLimit, TEXT_METHODS, Kind.TEXT,
                thinking, thinksByDefault, thinkingRequired, 0, new Quota(rpm, rpd)));
    }

    private ModelCatalog() {
    }

    public static Map<String, Quota> defaultQuotas() {
        Map<String, Quota> m = new LinkedHashMap<>();
        MODELS.forEach((k, v) -> m.put(k, v.freeTier()));
        return m;
    }

    public static Model builtIn(String name) {
        return MODELS.get(name);
    }

    public static List<Model> builtIns() {
        return List.copyOf(MODELS.values());
    }

    /** A model that exists only because a test gave it a quota: a plain text model (or an embedding one by name). */
    public static Model generic(String name, Quota q) {
        boolean embed = name.contains("embedding");
        return new Model(name, "001", name, "Simulated model " + name, embed ? 2048 : 1_048_576, embed ? 1 : 8192,
                embed ? EMBED_METHODS : TEXT_METHODS, embed ? Kind.EMBEDDING : Kind.TEXT, false, false, false,
                embed ? 768 : 0, q);
    }

    /** "models/x" → "x". */
    public static String bare(String model) {
        if (model == null) {
            return null;
        }
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }
}
