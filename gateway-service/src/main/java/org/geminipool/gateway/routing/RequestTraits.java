package org.geminipool.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * What routing conditions look at in one request, read from the body without any upstream call (design §5, issue 10).
 *
 * @param kind                  generate, embed, count, models
 * @param model                 the model the client named ({@code models/} dropped), null when none
 * @param latestUserText        the latest user message, for keyword rules
 * @param estimatedPromptTokens characters of every text part of the request divided by 4, rounded up
 * @param thinking              the request asks for reasoning (see {@link #thinkingGemini}, {@link #thinkingOpenAi})
 * @param webSearch             the request carries a search tool or names a {@code -search} alias
 * @param image                 the request asks for an image (IMAGE modality, an image model, images/generations)
 * @param routeHeader           {@code x-gemini-pool-route} of a client token allowed to pick routes, else null
 * @param imageEndpoint         the request came through an image endpoint ({@code POST /v1/images/generations})
 */
public record RequestTraits(OperationKind kind, String model, String latestUserText, long estimatedPromptTokens,
                            boolean thinking, boolean webSearch, boolean image, String routeHeader,
                            boolean imageEndpoint) {

    public RequestTraits(OperationKind kind, String model, String latestUserText, long estimatedPromptTokens,
                         boolean thinking, boolean webSearch, boolean image, String routeHeader) {
        this(kind, model, latestUserText, estimatedPromptTokens, thinking, webSearch, image, routeHeader, false);
    }

    /**
     * Search as far as the model name says ({@code -search} alias), without the request's tools: what a rule's
     * {@code webSearch} condition reads when the request names a concrete model (design §5, issue 19).
     */
    public boolean webSearchByName() {
        return isSearchAlias(model);
    }

    /** Image as far as the model name or the endpoint says, without {@code responseModalities} (see above). */
    public boolean imageByName() {
        return imageEndpoint || isImageModel(model);
    }

    /**
     * A Google model ID ({@code gemini-…}, {@code gemma-…}, {@code imagen-…}, {@code veo-…}, with or without the
     * gateway's {@code -search}/{@code -non-thinking} suffixes), as opposed to a route alias or another vendor's name
     * ({@code gpt-4o}, {@code text-embedding-3-small}, {@code dall-e-3}). Whether it is an alias of the routing file is
     * {@link Routes#namesConcreteModel}'s question.
     */
    public static boolean isGoogleModelId(String model) {
        if (model == null) {
            return false;
        }
        String m = model.toLowerCase(Locale.ROOT);
        return ModelFamily.parse(m).isPresent() || m.startsWith("imagen-") || m.startsWith("veo-");
    }

    /** A model alias suffix that asks for Google Search grounding ({@code gemini-2.5-flash-search}). */
    public static final String SEARCH_SUFFIX = "-search";
    /** A model alias suffix that turns thinking off where the model allows ({@code gemini-2.5-flash-non-thinking}). */
    public static final String NON_THINKING_SUFFIX = "-non-thinking";
    /** Characters per token of the prompt estimate (Google: "a token is about 4 characters"). */
    public static final int CHARS_PER_TOKEN = 4;

    /** Traits of a request whose body is not looked at (tests, models calls). */
    public static RequestTraits simple(OperationKind kind, String model, String latestUserText) {
        String m = strip(model);
        return new RequestTraits(kind, m, latestUserText, 0, false, isSearchAlias(m), isImageModel(m), null);
    }

    public static RequestTraits gemini(OperationKind kind, String model, JsonNode body, String routeHeader) {
        String m = strip(model);
        long chars = 0;
        if (body != null) {
            chars += textChars(body.get("contents")) + textChars(body.get("systemInstruction"))
                    + textChars(body.get("system_instruction")) + textChars(body.get("content"))
                    + textChars(body.get("requests"));
            JsonNode inner = body.has("generateContentRequest") ? body.get("generateContentRequest")
                    : body.get("generate_content_request");
            if (inner != null) {
                chars += textChars(inner.get("contents"));
            }
        }
        boolean nonThinking = m != null && m.endsWith(NON_THINKING_SUFFIX);
        return new RequestTraits(kind, m, PromptText.latestUserGemini(body), tokens(chars),
                !nonThinking && thinkingGemini(body), isSearchAlias(m) || searchToolGemini(body),
                isImageModel(m) || imageModalityGemini(body), blankToNull(routeHeader));
    }

    public static RequestTraits openAi(OperationKind kind, String model, JsonNode body, boolean imageOperation,
                                       String routeHeader) {
        String m = strip(model);
        long chars = 0;
        if (body != null) {
            for (JsonNode msg : body.path("messages")) {
                chars += textChars(msg.get("content"));
            }
            chars += textChars(body.get("input")) + textChars(body.get("prompt"));
        }
        boolean nonThinking = m != null && m.endsWith(NON_THINKING_SUFFIX);
        return new RequestTraits(kind, m, PromptText.latestUserOpenAi(body), tokens(chars),
                !nonThinking && thinkingOpenAi(body), isSearchAlias(m) || searchToolOpenAi(body),
                imageOperation || isImageModel(m), blankToNull(routeHeader), imageOperation);
    }

    /**
     * Gemini: {@code generationConfig.thinkingConfig} with a non-zero {@code thinkingBudget} (-1 = dynamic counts),
     * {@code includeThoughts: true}, or a {@code thinkingLevel} other than low/minimal.
     */
    static boolean thinkingGemini(JsonNode body) {
        JsonNode gc = field(body, "generationConfig", "generation_config");
        JsonNode tc = field(gc, "thinkingConfig", "thinking_config");
        return thinkingConfigAsks(tc);
    }

    /**
     * OpenAI: {@code reasoning_effort} low, medium or high ("none" and "minimal" ask for a quick answer), or Google's
     * {@code extra_body.google.thinking_config} (also accepted top-level as {@code google.thinking_config}) with a
     * non-zero budget or {@code include_thoughts}.
     */
    static boolean thinkingOpenAi(JsonNode body) {
        if (body == null) {
            return false;
        }
        JsonNode effort = body.get("reasoning_effort");
        if (effort != null && effort.isTextual()) {
            String e = effort.asText().trim().toLowerCase(Locale.ROOT);
            if (!e.isEmpty() && !e.equals("none") && !e.equals("minimal")) {
                return true;
            }
        }
        JsonNode google = body.path("extra_body").get("google");
        if (google == null) {
            google = body.get("google");
        }
        return thinkingConfigAsks(field(google, "thinking_config", "thinkingConfig"));
    }

    private static boolean thinkingConfigAsks(JsonNode tc) {
        if (tc == null || !tc.isObject()) {
            return false;
        }
        JsonNode budget = field(tc, "thinkingBudget", "thinking_budget");
        if (budget != null && budget.isNumber() && budget.asLong() != 0) {
            return true;
        }
        JsonNode include = field(tc, "includeThoughts", "include_thoughts");
        if (include != null && include.asBoolean(false)) {
            return true;
        }
        JsonNode level = field(tc, "thinkingLevel", "thinking_level");
        if (level != null && level.isTextual()) {
            String l = level.asText().toLowerCase(Locale.ROOT);
            return !l.equals("low") && !l.equals("minimal") && !l.isBlank();
        }
        return false;
    }

    /** Gemini {@code tools[]} holding {@code googleSearch}/{@code google_search} (or the 1.5-era retrieval tool). */
    static boolean searchToolGemini(JsonNode body) {
        JsonNode tools = body == null ? null : body.get("tools");
        if (tools == null || !tools.isArray()) {
            return false;
        }
        for (JsonNode t : tools) {
            if (t.has("googleSearch") || t.has("google_search") || t.has("googleSearchRetrieval")
                    || t.has("google_search_retrieval")) {
                return true;
            }
        }
        return false;
    }

    /** OpenAI: {@code web_search_options}, or a tool whose type starts with {@code web_search} (or is google_search). */
    static boolean searchToolOpenAi(JsonNode body) {
        if (body == null) {
            return false;
        }
        if (body.has("web_search_options") && !body.get("web_search_options").isNull()) {
            return true;
        }
        for (JsonNode t : body.path("tools")) {
            if (isOpenAiSearchTool(t)) {
                return true;
            }
        }
        return false;
    }

    public static boolean isOpenAiSearchTool(JsonNode tool) {
        String type = tool.path("type").asText("");
        return type.startsWith("web_search") || type.equals("google_search") || tool.has("google_search")
                || tool.has("googleSearch");
    }

    /** Gemini {@code generationConfig.responseModalities} containing IMAGE. */
    static boolean imageModalityGemini(JsonNode body) {
        JsonNode gc = field(body, "generationConfig", "generation_config");
        JsonNode mods = field(gc, "responseModalities", "response_modalities");
        if (mods == null || !mods.isArray()) {
            return false;
        }
        for (JsonNode m : mods) {
            if ("IMAGE".equalsIgnoreCase(m.asText())) {
                return true;
            }
        }
        return false;
    }

    /** An image-generating model: {@code gemini-2.5-flash-image}, {@code …-image-generation}, {@code imagen-…}. */
    public static boolean isImageModel(String model) {
        if (model == null) {
            return false;
        }
        String m = model.toLowerCase(Locale.ROOT);
        return m.contains("-image") || m.startsWith("imagen");
    }

    static boolean isSearchAlias(String model) {
        return model != null && model.endsWith(SEARCH_SUFFIX) && model.length() > SEARCH_SUFFIX.length();
    }

    private static long tokens(long chars) {
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }

    /** Characters of every {@code text} string (and plain string content) anywhere under the node. */
    static long textChars(JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isTextual()) {
            return node.asText().length();
        }
        long n = 0;
        if (node.isArray()) {
            for (JsonNode c : node) {
                n += textChars(c);
            }
        } else if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode v = e.getValue();
                if (e.getKey().equals("text") && v.isTextual()) {
                    n += v.asText().length();
                } else if (v.isContainerNode()) {
                    n += textChars(v);
                }
            }
        }
        return n;
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(camel);
        return v != null ? v : node.get(snake);
    }

    private static String strip(String model) {
        if (model == null || model.isBlank()) {
            return null;
        }
        return Routes.stripModels(model.trim());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
