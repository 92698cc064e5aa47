package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The model "run": from a parsed request to text, thoughts, image and usage. Shared by the native and the
 * OpenAI-compatible routes so both count tokens the same way.
 */
public final class Generation {

    /** What the model needs to know about a request, whichever protocol it came in. */
    public record Request(String model, String wholePrompt, String lastUserText, int promptTokens,
                          Integer thinkingBudget, boolean includeThoughts, Integer maxOutputTokens, boolean wantImage,
                          List<String> fileIds, String cachedContent, JsonObject functionCall) {

        public Request(String model, String wholePrompt, String lastUserText, int promptTokens, Integer thinkingBudget,
                       boolean includeThoughts, Integer maxOutputTokens, boolean wantImage, List<String> fileIds,
                       String cachedContent) {
            this(model, wholePrompt, lastUserText, promptTokens, thinkingBudget, includeThoughts, maxOutputTokens,
                    wantImage, fileIds, cachedContent, null);
        }

        public Request(String model, String wholePrompt, String lastUserText, int promptTokens, Integer thinkingBudget,
                       boolean includeThoughts, Integer maxOutputTokens, boolean wantImage) {
            this(model, wholePrompt, lastUserText, promptTokens, thinkingBudget, includeThoughts, maxOutputTokens,
                    wantImage, List.of(), null);
        }
    }

    /** {@code mediaBase64} is a generated image (PNG) or speech (PCM), of type {@code mediaMime}. */
    public record Result(String text, String thoughtText, int promptTokens, int candidatesTokens, int thoughtsTokens,
                         String finishReason, String mediaBase64, String mediaMime, JsonObject functionCall,
                         String signature) {
        public int totalTokens() {
            return promptTokens + candidatesTokens + thoughtsTokens;
        }
    }

    private Generation() {
    }

    /**
     * Thinking models think unless thinkingBudget is 0 (pro cannot turn it off; flash-lite thinks only when asked),
     * per ai.google.dev/gemini-api/docs/thinking. maxOutputTokens covers thoughts and answer together, so a small
     * limit on a thinking model yields MAX_TOKENS with an empty answer — exactly the surprise real users hit.
     */
    public static Result run(ModelCatalog.Model m, Request r) {
        boolean thinks = m.thinking() && (r.thinkingBudget() == null
                ? m.thinksByDefault()
                : r.thinkingBudget() != 0);
        int thoughts = thinks ? ContentGen.thoughts(r.wholePrompt(), r.thinkingBudget()) : 0;
        String text = ContentGen.reply(m.name(), r.lastUserText(), r.wholePrompt());
        int candidates = ContentGen.tokens(text);
        String finish = "STOP";
        String image = null;
        String mime = null;
        if (r.wantImage() && m.kind() == ModelCatalog.Kind.IMAGE) {
            image = ContentGen.pngBase64(r.wholePrompt());
            mime = "image/png";
            text = "Here is the image you asked for.";
            candidates = ContentGen.tokens(text) + ContentGen.IMAGE_OUTPUT_TOKENS;
        } else if (m.kind() == ModelCatalog.Kind.TTS) {
            // A speech model answers with audio only (ai.google.dev/gemini-api/docs/speech-generation: 24 kHz PCM).
            image = ContentGen.pcmBase64(r.lastUserText());
            mime = "audio/L16;codec=pcm;rate=24000";
            text = "";
            candidates = ContentGen.AUDIO_OUTPUT_TOKENS;
        }
        Integer max = r.maxOutputTokens();
        if (max != null && max > 0 && thoughts + candidates > max) {
            finish = "MAX_TOKENS";
            image = null;
            if (thoughts >= max) {
                thoughts = max;
                text = "";
                candidates = 0;
            } else {
                int room = max - thoughts;
                int chars = Math.min(text.length(), room * 4);
                text = text.substring(0, chars);
                candidates = ContentGen.tokens(text);
            }
        }
        String thoughtText = thinks && r.includeThoughts() ? ContentGen.thoughtSummary(r.lastUserText()) : null;
        JsonObject call = r.functionCall();
        if (call != null && !"MAX_TOKENS".equals(finish)) {
            // The model calls a function instead of answering in text (FunctionCalling).
            return new Result("", thoughtText, r.promptTokens(), ContentGen.tokens(call.encode()), thoughts, "STOP", null,
                    null, call, FunctionCalling.signs(m.name()) ? FunctionCalling.signature(m.name(), r.wholePrompt()) : null);
        }
        return new Result(text, thoughtText, r.promptTokens(), candidates, thoughts, finish, image,
                image == null ? null : mime, null, null);
    }

    // ------------------------------------------------------------------ native request parsing

    private static final Set<String> KNOWN_FIELDS = Set.of("contents", "systemInstruction", "system_instruction",
            "generationConfig", "generation_config", "safetySettings", "safety_settings", "tools", "toolConfig",
            "tool_config", "cachedContent", "cached_content", "labels", "model", "serviceTier", "service_tier", "store");

    /** Thrown with the Google error to answer. */
    public static final class Invalid extends RuntimeException {
        public final GoogleErrors.GoogleError error;

        public Invalid(GoogleErrors.GoogleError error) {
            super(error.error().getString("message"), null, false, false);
            this.error = error;
        }
    }

    public static JsonObject parseObject(String body) {
        if (body == null || body.isBlank()) {
            return new JsonObject();
        }
        try {
            Object v = io.vertx.core.json.Json.decodeValue(body);
            if (v instanceof JsonObject o) {
                return o;
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw new Invalid(GoogleErrors.malformedJson());
    }

    /** Parses a GenerateContentRequest body (native v1beta), validating it as Google does. */
    public static Request nativeRequest(ModelCatalog.Model m, JsonObject body) {
        for (String f : body.fieldNames()) {
            if (!KNOWN_FIELDS.contains(f)) {
                throw new Invalid(GoogleErrors.badRequestField(null,
                        "Invalid JSON payload received. Unknown name \"" + f + "\": Cannot find field."));
            }
        }
        Object contentsRaw = body.getValue("contents");
        if (contentsRaw != null && !(contentsRaw instanceof JsonArray)) {
            throw new Invalid(GoogleErrors.badRequestField("contents",
                    "Invalid value at 'contents' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), "
                            + "expected a list"));
        }
        JsonArray contents = (JsonArray) contentsRaw;
        if (contents == null || contents.isEmpty()) {
            throw new Invalid(GoogleErrors.invalidArgument("* GenerateContentRequest.contents: contents is not specified\n"));
        }
        StringBuilder whole = new StringBuilder();
        int[] tokens = {0};
        Object sys = body.containsKey("systemInstruction") ? body.getValue("systemInstruction") : body.getValue("system_instruction");
        if (sys instanceof JsonObject so && so.getValue("parts") instanceof JsonArray sp) {
            for (int i = 0; i < sp.size(); i++) {
                appendPart(sp.getValue(i), whole, tokens, "systemInstruction.parts[" + i + "]");
            }
        }
        String lastUser = "";
        for (int c = 0; c < contents.size(); c++) {
            if (!(contents.getValue(c) instanceof JsonObject content)) {
                throw new Invalid(GoogleErrors.badRequestField("contents[" + c + "]",
                        "Invalid value at 'contents[" + c + "]', expected an object"));
            }
            String role = content.getString("role", "user");
            if (!role.isEmpty() && !role.equals("user") && !role.equals("model") && !role.equals("function")) {
                throw new Invalid(GoogleErrors.invalidArgument("Please use a valid role: user, model."));
            }
            if (!(content.getValue("parts") instanceof JsonArray parts) || parts.isEmpty()) {
                throw new Invalid(GoogleErrors.invalidArgument("* GenerateContentRequest.contents[" + c
                        + "].parts: contents.parts must not be empty.\n"));
            }
            StringBuilder text = new StringBuilder();
            for (int p = 0; p < parts.size(); p++) {
                int before = whole.length();
                appendPart(parts.getValue(p), whole, tokens, "contents[" + c + "].parts[" + p + "]");
                text.append(whole, before, whole.length());
            }
            if (!"model".equals(role)) {
                lastUser = text.toString();
            }
        }
        JsonObject gc = body.getJsonObject("generationConfig", body.getJsonObject("generation_config", new JsonObject()));
        Integer maxOut = gc.getInteger("maxOutputTokens", gc.getInteger("max_output_tokens"));
        JsonObject tc = gc.getJsonObject("thinkingConfig", gc.getJsonObject("thinking_config", new JsonObject()));
        Integer budget = tc.getInteger("thinkingBudget", tc.getInteger("thinking_budget"));
        boolean includeThoughts = tc.getBoolean("includeThoughts", tc.getBoolean("include_thoughts", false));
        JsonArray modalities = gc.getJsonArray("responseModalities", gc.getJsonArray("response_modalities", new JsonArray()));
        boolean wantImage = false;
        for (Object o : modalities) {
            if ("IMAGE".equalsIgnoreCase(String.valueOf(o))) {
                wantImage = true;
            }
        }
        validateGeneration(m, budget, wantImage, modalities.isEmpty());
        Object cacheRaw = body.containsKey("cachedContent") ? body.getValue("cachedContent") : body.getValue("cached_content");
        String cache = cacheRaw instanceof String cs && !cs.isBlank() ? SimState.stripPrefix(cs, "cachedContents/") : null;
        if (cache != null && (sys != null || body.containsKey("tools") || body.containsKey("toolConfig")
                || body.containsKey("tool_config"))) {
            throw new Invalid(GoogleErrors.cachedContentConflict());
        }
        FunctionCalling.checkSignatures(m.name(), contents);
        return new Request(m.name(), whole.toString(), lastUser, tokens[0], budget, includeThoughts, maxOut,
                wantImage || (m.kind() == ModelCatalog.Kind.IMAGE && modalities.isEmpty()), fileIds(contents), cache,
                FunctionCalling.call(body, contents, lastUser));
    }

    /** A Files API object named by a {@code fileUri}: {@code files/<id>} or {@code https://…/v1beta/files/<id>}. */
    private static final java.util.regex.Pattern FILE_URI =
            java.util.regex.Pattern.compile("^(?:files/|https?://[^/]+/(?:v1beta|v1|v1alpha)/files/)([A-Za-z0-9_-]+)$");

    /** The ids of the Files API objects the contents refer to (other URIs, gs:// or web, are not project objects). */
    static List<String> fileIds(JsonArray contents) {
        List<String> ids = new ArrayList<>();
        for (Object c : contents) {
            if (c instanceof JsonObject content && content.getValue("parts") instanceof JsonArray parts) {
                for (Object p : parts) {
                    if (!(p instanceof JsonObject part)) {
                        continue;
                    }
                    Object fd = part.containsKey("fileData") ? part.getValue("fileData") : part.getValue("file_data");
                    if (fd instanceof JsonObject fo) {
                        Object uri = fo.containsKey("fileUri") ? fo.getValue("fileUri") : fo.getValue("file_uri");
                        if (uri instanceof String u) {
                            java.util.regex.Matcher mt = FILE_URI.matcher(u.trim());
                            if (mt.matches()) {
                                ids.add(mt.group(1));
                            }
                        }
                    }
                }
            }
        }
        return ids;
    }

    static void validateGeneration(ModelCatalog.Model m, Integer budget, boolean wantImage, boolean noModalities) {
        if (budget != null && budget == 0 && m.thinkingRequired()) {
            throw new Invalid(GoogleErrors.invalidArgument("Budget 0 is invalid. This model only works in thinking mode."));
        }
        if (budget != null && budget != 0 && budget != -1 && !m.thinking()) {
            throw new Invalid(GoogleErrors.invalidArgument("Thinking is not enabled for models/" + m.name()));
        }
        if (wantImage && m.kind() != ModelCatalog.Kind.IMAGE) {
            throw new Invalid(GoogleErrors.invalidArgument(
                    "Model does not support the requested response modalities: image"));
        }
    }

    private static void appendPart(Object raw, StringBuilder whole, int[] tokens, String where) {
        if (!(raw instanceof JsonObject part)) {
            throw new Invalid(GoogleErrors.badRequestField(where, "Invalid value at '" + where + "', expected an object"));
        }
        if (part.getValue("text") instanceof String t) {
            whole.append(t).append('\n');
            tokens[0] += ContentGen.tokens(t);
        } else if (part.getValue("inlineData") instanceof JsonObject || part.getValue("inline_data") instanceof JsonObject
                || part.getValue("fileData") instanceof JsonObject || part.getValue("file_data") instanceof JsonObject) {
            whole.append("[media]\n");
            tokens[0] += ContentGen.IMAGE_INPUT_TOKENS;
        } else if (part.containsKey("functionCall") || part.containsKey("functionResponse")
                || part.containsKey("function_call") || part.containsKey("function_response")
                || part.containsKey("executableCode") || part.containsKey("codeExecutionResult")) {
            String enc = part.encode();
            whole.append(enc).append('\n');
            tokens[0] += ContentGen.tokens(enc);
        } else {
            throw new Invalid(GoogleErrors.invalidArgument("* GenerateContentRequest." + where
                    + ".data: required oneof field 'data' must have one initialized field\n"));
        }
    }

    // ------------------------------------------------------------------ native response shapes

    public static JsonObject usage(Result r, int candidatesSoFar) {
        JsonObject u = new JsonObject().put("promptTokenCount", r.promptTokens());
        if (candidatesSoFar > 0) {
            u.put("candidatesTokenCount", candidatesSoFar);
        }
        u.put("totalTokenCount", r.promptTokens() + candidatesSoFar + r.thoughtsTokens());
        u.put("promptTokensDetails", new JsonArray().add(new JsonObject().put("modality", "TEXT")
                .put("tokenCount", r.promptTokens())));
        if (r.thoughtsTokens() > 0) {
            u.put("thoughtsTokenCount", r.thoughtsTokens());
        }
        return u;
    }

    /** One GenerateContentResponse; {@code finish} adds finishReason (last chunk / whole answer). */
    public static JsonObject response(String model, String responseId, List<JsonObject> parts, JsonObject usage,
                                      String finishReason) {
        JsonObject content = new JsonObject();
        if (!parts.isEmpty()) {
            content.put("parts", new JsonArray(new ArrayList<>(parts)));
        }
        content.put("role", "model");
        JsonObject cand = new JsonObject().put("content", content);
        if (finishReason != null) {
            cand.put("finishReason", finishReason);
        }
        cand.put("index", 0);
        return new JsonObject().put("candidates", new JsonArray().add(cand)).put("usageMetadata", usage)
                .put("modelVersion", model).put("responseId", responseId);
    }

    public static List<JsonObject> allParts(Result r) {
        List<JsonObject> parts = new ArrayList<>();
        if (r.thoughtText() != null) {
            parts.add(new JsonObject().put("text", r.thoughtText()).put("thought", true));
        }
        if (!r.text().isEmpty()) {
            parts.add(new JsonObject().put("text", r.text()));
        }
        if (r.functionCall() != null) {
            parts.add(callPart(r));
        }
        if (r.mediaBase64() != null) {
            parts.add(new JsonObject().put("inlineData",
                    new JsonObject().put("mimeType", r.mediaMime()).put("data", r.mediaBase64())));
        }
        return parts;
    }

    private static JsonObject callPart(Result r) {
        JsonObject part = new JsonObject().put("functionCall", r.functionCall().copy());
        if (r.signature() != null) {
            part.put("thoughtSignature", r.signature());
        }
        return part;
    }

    /** The streamed form: a few words per chunk, cumulative usage in each, finishReason only in the last. */
    public static List<JsonObject> streamChunks(String model, String responseId, Result r) {
        List<String> pieces = ContentGen.chunks(r.text(), 6);
        List<JsonObject> out = new ArrayList<>();
        String soFar = "";
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            List<JsonObject> parts = new ArrayList<>();
            if (i == 0 && r.thoughtText() != null) {
                parts.add(new JsonObject().put("text", r.thoughtText()).put("thought", true));
            }
            if (!pieces.get(i).isEmpty()) {
                parts.add(new JsonObject().put("text", pieces.get(i)));
            }
            if (last && r.functionCall() != null) {
                parts.add(callPart(r));
            }
            soFar += pieces.get(i);
            int cand = last ? r.candidatesTokens() : Math.min(ContentGen.tokens(soFar), r.candidatesTokens());
            if (last && r.mediaBase64() != null) {
                parts.add(new JsonObject().put("inlineData",
                        new JsonObject().put("mimeType", r.mediaMime()).put("data", r.mediaBase64())));
            }
            out.add(response(model, responseId, parts, usage(r, cand), last ? r.finishReason() : null));
        }
        return out;
    }
}
