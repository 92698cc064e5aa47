package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.geminipool.simulator.Retirement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in catalogue of the simulated Google, as of late 2026 (/work/shared/reference/gemini-api-2026.md §1.1–1.3):
 * the Model resource fields of ai.google.dev/api/models#Model, each model's family (which picks its default limits)
 * and its quota model (the {@code quotaDimensions.model} Google names in a 429, a family base name such as
 * {@code gemini-3.1-pro} [I-429c]). The mutable, per-simulator copy is {@link Catalog}.
 */
public final class ModelCatalog {

    public enum Kind { TEXT, EMBEDDING, IMAGE, TTS, LIVE, VIDEO }

    public static final String FLASH = "flash";
    public static final String FLASH_LITE = "flash-lite";
    public static final String PRO = "pro";
    public static final String IMAGE = "image";
    public static final String EMBEDDING = "embedding";
    public static final String TTS = "tts";
    public static final String LIVE = "live";
    public static final String GEMMA = "gemma";
    /** Veo: predictLongRunning only (§8). */
    public static final String VIDEO = "video";
    /** Models a test created by giving an unknown name a quota. */
    public static final String OTHER = "other";

    public static final List<String> FAMILIES = List.of(FLASH_LITE, FLASH, PRO, IMAGE, EMBEDDING, TTS, LIVE, GEMMA, VIDEO, OTHER);

    public record Model(String name, String version, String displayName, String description, int inputTokenLimit,
                        int outputTokenLimit, List<String> methods, Kind kind, boolean thinking,
                        boolean thinksByDefault, boolean thinkingRequired, int embeddingDims, String family,
                        String quotaModel) {

        public boolean supports(String method) {
            if ("streamGenerateContent".equals(method)) {
                return methods.contains("generateContent");
            }
            if ("batchEmbedContents".equals(method)) {
                return methods.contains("embedContent");
            }
            return methods.contains(method);
        }

        /** The same model under another ID (addModel): its own display name and its own quota model. */
        public Model renamed(String newName) {
            return new Model(newName, version, newName, description, inputTokenLimit, outputTokenLimit, methods, kind,
                    thinking, thinksByDefault, thinkingRequired, embeddingDims, family, newName);
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
            if (kind != Kind.EMBEDDING && kind != Kind.LIVE && kind != Kind.VIDEO) {
                o.put("temperature", 1).put("topP", 0.95).put("topK", 64).put("maxTemperature", 2);
            }
            if (thinking) {
                o.put("thinking", true);
            }
            return o;
        }
    }

    /** A {@code -latest} alias: listed with its own literal resource, resolved server-side to a target (§1.2). */
    public record Alias(String name, String defaultTarget, Model resource) {
    }

    static final List<String> TEXT_METHODS =
            List.of("generateContent", "countTokens", "createCachedContent", "batchGenerateContent");
    private static final List<String> MEDIA_METHODS = List.of("generateContent", "countTokens", "batchGenerateContent");
    static final List<String> EMBED_METHODS =
            List.of("embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent");

    private static final Map<String, Model> MODELS = new LinkedHashMap<>();
    private static final Map<String, Alias> ALIASES = new LinkedHashMap<>();
    private static final Map<String, Retirement> RETIRED = new LinkedHashMap<>();
    private static final Map<String, String> AUTO_ROUTES = new LinkedHashMap<>();

    static {
        // flash [D-chg-oct, D-chg-jul]
        text("gemini-3.8-flash", "3.8", "Gemini 3.8 Flash", "Gemini 3.8 Flash, our fastest frontier-class model (GA September 2026)",
                FLASH, true, false);
        text("gemini-3.6-flash", "3.6", "Gemini 3.6 Flash", "Gemini 3.6 Flash (GA July 2026)", FLASH, true, false);
        text("gemini-3-flash-preview", "3-flash-preview", "Gemini 3 Flash Preview", "Gemini 3 Flash Preview", FLASH, true,
                false);
        // flash-lite [D-chg-jul, D-chg-may]: think only when asked
        text("gemini-3.5-flash-lite", "3.5", "Gemini 3.5 Flash-Lite", "Gemini 3.5 Flash-Lite (GA July 2026)", FLASH_LITE,
                false, false);
        text("gemini-3.1-flash-lite", "3.1", "Gemini 3.1 Flash-Lite", "Gemini 3.1 Flash-Lite (GA May 2026)", FLASH_LITE,
                false, false);
        // pro [D-chg-oct13, D-dep-md]: thinking cannot be turned off; the 3.1 previews share the quota model
        // gemini-3.1-pro [I-429c]
        text("gemini-4-argon", "4", "Gemini 4 Argon", "Gemini 4 Argon, our most powerful model (GA October 2026)", PRO,
                true, true);
        MODELS.put("gemini-3.1-pro-preview", textModel("gemini-3.1-pro-preview", "3.1-pro-preview",
                "Gemini 3.1 Pro Preview", "Gemini 3.1 Pro Preview", PRO, true, true, "gemini-3.1-pro"));
        MODELS.put("gemini-3.1-pro-preview-customtools", textModel("gemini-3.1-pro-preview-customtools",
                "3.1-pro-preview-customtools", "Gemini 3.1 Pro Preview Custom Tools",
                "Gemini 3.1 Pro Preview, tuned for custom tools", PRO, true, true, "gemini-3.1-pro"));
        // image [D-chg-may, D-chg-oct, C-list]
        media("gemini-3.1-flash-image", "Nano Banana 2", "Gemini 3.1 Flash Image", Kind.IMAGE, IMAGE);
        media("gemini-3-pro-image", "Nano Banana Pro", "Gemini 3 Pro Image", Kind.IMAGE, IMAGE);
        media("gemini-3.1-flash-lite-image", "Nano Banana 2 Lite", "Gemini 3.1 Flash-Lite Image", Kind.IMAGE, IMAGE);
        // TTS and live [D-chg-jun, S-live]
        media("gemini-3.1-flash-tts-preview", "Gemini 3.1 Flash TTS Preview", "Gemini 3.1 Flash text-to-speech preview",
                Kind.TTS, TTS);
        MODELS.put("gemini-3.1-flash-live-preview", new Model("gemini-3.1-flash-live-preview", "3.1-live-preview",
                "Gemini 3.1 Flash Live Preview", "Gemini 3.1 Flash Live Preview (Live API only)", 131_072, 65_536,
                List.of("bidiGenerateContent"), Kind.LIVE, true, false, false, 0, LIVE, "gemini-3.1-flash-live-preview"));
        // video: Veo 3.1 through predictLongRunning (§1.1, §8) [D-chg-jun, C-list]
        for (String[] veo : new String[][] {{"veo-3.1-generate-preview", "Veo 3.1"},
                {"veo-3.1-fast-generate-preview", "Veo 3.1 Fast"}, {"veo-3.1-lite-generate-preview", "Veo 3.1 Lite"}}) {
            MODELS.put(veo[0], new Model(veo[0], "3.1", veo[1], veo[1] + " video generation (preview)", 1024, 1,
                    List.of("predictLongRunning"), Kind.VIDEO, false, false, false, 0, VIDEO, veo[0]));
        }
        // embedding [D-chg-jan, D-chg-may]
        embedding("gemini-embedding-2", "2", "Gemini Embedding 2", "Obtain a distributed representation of text, images and audio.",
                8192);
        embedding("gemini-embedding-001", "001", "Gemini Embedding 001", "Obtain a distributed representation of a text.",
                2048);
        // gemma [PY-model, C-list]
        MODELS.put("gemma-4-31b-it", new Model("gemma-4-31b-it", "001", "Gemma 4 31B", "Gemma 4 31B instruction tuned",
                131_072, 8192, List.of("generateContent", "countTokens"), Kind.TEXT, false, false, false, 0, GEMMA,
                "gemma-4-31b-it"));
        // closed to new projects, still listed (§1.3 stage 1) [I-404b, P-dep25, P-apiyi]
        text("gemini-2.5-flash", "001", "Gemini 2.5 Flash",
                "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.",
                FLASH, true, false);
        text("gemini-2.5-pro", "2.5", "Gemini 2.5 Pro", "Stable release (June 17th, 2025) of Gemini 2.5 Pro", PRO, true,
                true);
        text("gemini-2.5-flash-lite", "001", "Gemini 2.5 Flash-Lite", "Stable version of Gemini 2.5 Flash-Lite, released in July of 2025",
                FLASH_LITE, false, false);
        for (String closed : List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite")) {
            RETIRED.put(closed, Retirement.CLOSED_TO_NEW);
        }
        // shut down (§1.3 stage 2) [I-404e, D-chg-may, D-chg-oct, D-chg-jan, D-dep-md]
        for (String gone : List.of("gemini-2.0-flash", "gemini-2.0-flash-001", "gemini-2.0-flash-lite",
                "gemini-2.0-flash-lite-001", "gemini-2.5-flash-image", "gemini-2.5-flash-preview-09-2025",
                "gemini-2.5-flash-lite-preview-09-2025", "gemini-3-pro-preview", "gemini-3-pro-image-preview",
                "gemini-3.1-flash-image-preview", "gemini-3.1-flash-lite-preview", "text-embedding-004")) {
            RETIRED.put(gone, Retirement.SHUTDOWN);
        }
        // auto-routed (§1.3 stage 3) [D-chg-oct]
        AUTO_ROUTES.put("gemini-3.7-flash", "gemini-3.8-flash");
        AUTO_ROUTES.put("gemini-3.5-flash", "gemini-3.6-flash");
        // -latest aliases (§1.2) [PY-model, C-list]; targets are the simulator's defaults (current ones unconfirmed)
        alias("gemini-flash-latest", "Gemini Flash Latest", "Latest release of Gemini Flash", "gemini-3.8-flash");
        alias("gemini-flash-lite-latest", "Gemini Flash-Lite Latest", "Latest release of Gemini Flash-Lite",
                "gemini-3.5-flash-lite");
        alias("gemini-pro-latest", "Gemini Pro Latest", "Latest release of Gemini Pro", "gemini-3.1-pro-preview");
    }

    private static Model textModel(String name, String version, String display, String description, String family,
                                   boolean thinksByDefault, boolean thinkingRequired, String quotaModel) {
        return new Model(name, version, display, description, 1_048_576, 65_536, TEXT_METHODS, Kind.TEXT, true,
                thinksByDefault, thinkingRequired, 0, family, quotaModel);
    }

    private static void text(String name, String version, String display, String description, String family,
                             boolean thinksByDefault, boolean thinkingRequired) {
        MODELS.put(name, textModel(name, version, display, description, family, thinksByDefault, thinkingRequired, name));
    }

    private static void media(String name, String display, String description, Kind kind, String family) {
        MODELS.put(name, new Model(name, "001", display, description, kind == Kind.TTS ? 8192 : 65_536,
                kind == Kind.TTS ? 16_384 : 32_768, MEDIA_METHODS, kind, false, false, false, 0, family, name));
    }

    private static void embedding(String name, String version, String display, String description, int inputLimit) {
        MODELS.put(name, new Model(name, version, display, description, inputLimit, 1, EMBED_METHODS, Kind.EMBEDDING,
                false, false, false, 3072, EMBEDDING, name));
    }

    private static void alias(String name, String display, String description, String target) {
        Model resource = new Model(name, display, display, description, 1_048_576, 65_536, TEXT_METHODS, Kind.TEXT, true,
                false, false, 0, OTHER, name);
        ALIASES.put(name, new Alias(name, target, resource));
    }

    private ModelCatalog() {
    }

    static Map<String, Model> builtInModels() {
        return new LinkedHashMap<>(MODELS);
    }

    static Map<String, Alias> builtInAliases() {
        return new LinkedHashMap<>(ALIASES);
    }

    static Map<String, Retirement> builtInRetirements() {
        return new LinkedHashMap<>(RETIRED);
    }

    static Map<String, String> builtInAutoRoutes() {
        return new LinkedHashMap<>(AUTO_ROUTES);
    }

    /** A model that exists only because a test gave it a quota: a plain text model (or an embedding one by name). */
    public static Model generic(String name) {
        boolean embed = name.toLowerCase(Locale.ROOT).contains("embedding");
        return new Model(name, "001", name, "Simulated model " + name, embed ? 2048 : 1_048_576, embed ? 1 : 8192,
                embed ? EMBED_METHODS : TEXT_METHODS, embed ? Kind.EMBEDDING : Kind.TEXT, false, false, false,
                embed ? 768 : 0, embed ? EMBEDDING : OTHER, name);
    }

    /** "models/x" → "x". */
    public static String bare(String model) {
        if (model == null) {
            return null;
        }
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }
}
