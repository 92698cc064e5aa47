package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google's OpenAI-compatible endpoint under {@code /v1beta/openai/} (ai.google.dev/gemini-api/docs/openai):
 * key as {@code Authorization: Bearer}, OpenAI request/response bodies, but errors as Google's JSON array
 * {@code [{"error":{…}}]} (reference doc, "Google's OpenAI-compatible endpoint").
 */
final class OpenAiApi {

    /** Google's OpenAI layer names an internal API version in its 404s. */
    private static final String COMPAT_API_VERSION = "v1main";

    private final Vertx vertx;
    private final SimState state;
    private final NativeApi natives;
    private final AtomicLong seq;
    /** The same caller checks as native, errors array-wrapped. */
    private final ObjectCalls calls;

    OpenAiApi(Vertx vertx, SimState state, NativeApi natives, AtomicLong seq) {
        this.vertx = vertx;
        this.state = state;
        this.natives = natives;
        this.seq = seq;
        this.calls = ObjectCalls.openAi(state, natives);
    }

    /** What every model call starts with: its caller, its JSON body and the body's model. */
    private record Intake(NativeApi.Caller caller, JsonObject body, ModelCatalog.Model model) {
    }

    /**
     * Authenticates {@code rpcMethod}, reads the body and finds its {@code model}, which must serve
     * {@code modelMethod} (404s name the compat layer's API version); null once refused.
     */
    private Intake intake(RoutingContext ctx, String rpcMethod, String modelMethod) {
        NativeApi.Caller c = calls.auth(ctx, rpcMethod);
        if (c == null) {
            return null;
        }
        JsonObject body = calls.body(ctx, c);
        if (body == null) {
            return null;
        }
        String name = body.getString("model");
        if (name == null || name.isBlank()) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("model is not specified"));
            return null;
        }
        ModelCatalog.Model m = natives.model(ctx, c, COMPAT_API_VERSION, name, modelMethod, true);
        return m == null ? null : new Intake(c, body, m);
    }

    // ------------------------------------------------------------------ models

    void models(RoutingContext ctx, String id) {
        Http.afterLatency(vertx, state, () -> {
            NativeApi.Caller c = calls.auth(ctx, id == null ? "ListModels" : "GetModel");
            if (c == null) {
                return;
            }
            if (id == null) {
                JsonArray data = new JsonArray();
                state.models().forEach(m -> data.add(modelJson(m)));
                calls.ok(ctx, c, new JsonObject().put("object", "list").put("data", data));
                return;
            }
            ModelCatalog.Model m = state.listedModel(ModelCatalog.bare(id));
            if (m == null) {
                calls.refuse(ctx, c, GoogleErrors.modelNotFound(ModelCatalog.bare(id), COMPAT_API_VERSION, "get"));
                return;
            }
            calls.ok(ctx, c, modelJson(m));
        });
    }

    private static JsonObject modelJson(ModelCatalog.Model m) {
        return new JsonObject().put("id", "models/" + m.name()).put("object", "model").put("owned_by", "google")
                .put("display_name", m.displayName());
    }

    // ------------------------------------------------------------------ chat/completions

    void chat(RoutingContext ctx) {
        Http.afterLatency(vertx, state, () -> doChat(ctx));
    }

    private void doChat(RoutingContext ctx) {
        Intake call = intake(ctx, "ChatCompletions", "generateContent");
        if (call == null) {
            return;
        }
        NativeApi.Caller c = call.caller();
        JsonObject body = call.body();
        ModelCatalog.Model m = call.model();
        Generation.Request req;
        try {
            req = chatRequest(m, body);
        } catch (Generation.Invalid e) {
            calls.refuse(ctx, c, e.error);
            return;
        }
        boolean stream = body.getBoolean("stream", false);
        SimState.Decision d = state.admit(c.project(), m, 1, req.promptTokens(), false, stream);
        if (!natives.refuse(ctx, c, m, d, true)) {
            return;
        }
        Generation.Result r = Generation.run(m, req);
        String id = ContentGen.responseId(seq.incrementAndGet(), req.wholePrompt());
        long created = state.now().getEpochSecond();
        JsonObject usage = new JsonObject().put("completion_tokens", r.candidatesTokens())
                .put("prompt_tokens", r.promptTokens()).put("total_tokens", r.totalTokens());
        String finish = "MAX_TOKENS".equals(r.finishReason()) ? "length" : "stop";
        if (!stream) {
            JsonObject msg = new JsonObject().put("content", r.text()).put("role", "assistant");
            JsonObject out = new JsonObject()
                    .put("choices", new JsonArray().add(new JsonObject().put("finish_reason", finish).put("index", 0)
                            .put("message", msg)))
                    .put("created", created).put("id", id).put("model", m.name())
                    .put("object", "chat.completion").put("usage", usage);
            Http.send(ctx, 200, Http.JSON_UTF8, out.encode());
            return;
        }
        List<String> pieces = ContentGen.chunks(r.text(), 6);
        long gap = Http.ms(state.latencyPerChunk());
        List<Http.Frame> frames = new ArrayList<>();
        int keep = pieces.size();
        if (d.midStreamFailure()) {
            keep = Math.max(1, Math.min(pieces.size() - 1, (pieces.size() + 1) / 2));
        }
        for (int i = 0; i < keep; i++) {
            boolean last = i == pieces.size() - 1;
            JsonObject choice = new JsonObject()
                    .put("delta", new JsonObject().put("content", pieces.get(i)).put("role", "assistant"))
                    .put("index", 0);
            if (last) {
                choice.put("finish_reason", finish);
            }
            JsonObject chunk = new JsonObject().put("choices", new JsonArray().add(choice)).put("created", created)
                    .put("id", id).put("model", m.name()).put("object", "chat.completion.chunk");
            if (last) {
                // Google puts usage in the final content chunk whether or not include_usage was asked.
                chunk.put("usage", usage);
            }
            frames.add(new Http.Frame("data: " + chunk.encode() + "\n\n", i == 0 ? 0 : gap));
        }
        if (d.midStreamFailure()) {
            JsonObject err = GoogleErrors.unavailable().body();
            frames.add(new Http.Frame("data: " + err.encode() + "\n\n", Math.max(gap, 50)));
        } else {
            frames.add(new Http.Frame("data: [DONE]\n\n", 0));
        }
        HttpServerResponse resp = ctx.response();
        resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream");
        Http.writeFrames(vertx, resp, frames, 0);
    }

    private static Generation.Request chatRequest(ModelCatalog.Model m, JsonObject body) {
        if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("messages must not be empty"));
        }
        StringBuilder whole = new StringBuilder();
        int tokens = 0;
        String lastUser = "";
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject msg)) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("messages[" + i + "] must be an object"));
            }
            String role = msg.getString("role");
            if (role == null || !List.of("system", "developer", "user", "assistant", "tool", "function").contains(role)) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("Invalid role in messages[" + i + "]: " + role));
            }
            StringBuilder text = new StringBuilder();
            Object content = msg.getValue("content");
            if (content instanceof String s) {
                text.append(s);
            } else if (content instanceof JsonArray parts) {
                for (Object p : parts) {
                    if (p instanceof JsonObject po) {
                        if ("text".equals(po.getString("type"))) {
                            text.append(po.getString("text", ""));
                        } else {
                            tokens += ContentGen.IMAGE_INPUT_TOKENS;
                        }
                    }
                }
            }
            if (msg.getValue("tool_calls") instanceof JsonArray calls) {
                text.append(calls.encode());
            }
            whole.append(role).append(": ").append(text).append('\n');
            tokens += ContentGen.tokens(text.toString());
            if ("user".equals(role)) {
                lastUser = text.toString();
            }
        }
        Integer max = body.getInteger("max_completion_tokens", body.getInteger("max_tokens"));
        Integer budget = null;
        String effort = body.getString("reasoning_effort");
        if (effort != null) {
            budget = switch (effort) {
                case "none" -> m.thinkingRequired() ? 128 : 0;
                case "minimal", "low" -> 1024;
                case "medium" -> 8192;
                case "high" -> 24576;
                default -> throw new Generation.Invalid(GoogleErrors.invalidArgument(
                        "Invalid reasoning_effort: " + effort));
            };
            if (!m.thinking()) {
                budget = null;
            }
        }
        return new Generation.Request(m.name(), whole.toString(), lastUser, Math.max(1, tokens), budget, false, max,
                m.kind() == ModelCatalog.Kind.IMAGE);
    }

    // ------------------------------------------------------------------ embeddings

    void embeddings(RoutingContext ctx) {
        Http.afterLatency(vertx, state, () -> doEmbeddings(ctx));
    }

    private void doEmbeddings(RoutingContext ctx) {
        Intake call = intake(ctx, "Embeddings", "embedContent");
        if (call == null) {
            return;
        }
        NativeApi.Caller c = call.caller();
        JsonObject body = call.body();
        ModelCatalog.Model m = call.model();
        List<String> inputs = new ArrayList<>();
        Object in = body.getValue("input");
        boolean list = in instanceof JsonArray;
        if (in instanceof String s) {
            inputs.add(s);
        } else if (in instanceof JsonArray a) {
            for (Object o : a) {
                if (o instanceof String s) {
                    inputs.add(s);
                } else {
                    inputs.clear();
                    break;
                }
            }
        }
        Integer dims = body.getInteger("dimensions");
        String problem = null;
        if (inputs.isEmpty() || inputs.stream().anyMatch(String::isEmpty)) {
            problem = "input must be a non-empty string or a list of non-empty strings";
        } else if (dims != null && (dims < 1 || dims > m.embeddingDims())) {
            problem = "dimensions must be between 1 and " + m.embeddingDims();
        }
        if (problem != null) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument(problem));
            return;
        }
        int units = list && state.batchEmbedCountsPerItem() ? inputs.size() : 1;
        long tokens = inputs.stream().mapToLong(ContentGen::tokens).sum();
        SimState.Decision d = state.admit(c.project(), m, units, tokens, true, false);
        if (!natives.refuse(ctx, c, m, d, true)) {
            return;
        }
        boolean b64 = "base64".equals(body.getString("encoding_format"));
        JsonArray data = new JsonArray();
        int usedTokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] v = ContentGen.embedding(m.name(), inputs.get(i), null, m.embeddingDims(),
                    dims == null ? m.embeddingDims() : dims);
            usedTokens += ContentGen.tokens(inputs.get(i));
            Object emb = b64 ? base64(v) : NativeApi.floats(v);
            data.add(new JsonObject().put("embedding", emb).put("index", i).put("object", "embedding"));
        }
        JsonObject out = new JsonObject().put("data", data).put("model", m.name()).put("object", "list")
                .put("usage", new JsonObject().put("prompt_tokens", usedTokens).put("total_tokens", usedTokens));
        Http.send(ctx, 200, Http.JSON_UTF8, out.encode());
    }

    private static String base64(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bb.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(bb.array());
    }

    // ------------------------------------------------------------------ images/generations

    void images(RoutingContext ctx) {
        Http.afterLatency(vertx, state, () -> doImages(ctx));
    }

    private void doImages(RoutingContext ctx) {
        Intake call = intake(ctx, "ImagesGenerations", "generateContent");
        if (call == null) {
            return;
        }
        NativeApi.Caller c = call.caller();
        JsonObject body = call.body();
        ModelCatalog.Model m = call.model();
        String prompt = body.getString("prompt");
        Integer n = body.getInteger("n", 1);
        if (m.kind() != ModelCatalog.Kind.IMAGE || prompt == null || prompt.isBlank() || n == null || n < 1 || n > 4) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument(m.kind() != ModelCatalog.Kind.IMAGE
                    ? "Model does not support the requested response modalities: image"
                    : "prompt must be non-empty and n between 1 and 4"));
            return;
        }
        SimState.Decision d = state.admit(c.project(), m, n, ContentGen.tokens(prompt), false, false);
        if (!natives.refuse(ctx, c, m, d, true)) {
            return;
        }
        JsonArray data = new JsonArray();
        for (int i = 0; i < n; i++) {
            data.add(new JsonObject().put("b64_json", ContentGen.pngBase64(prompt + "\u0000" + i)));
        }
        Http.send(ctx, 200, Http.JSON_UTF8,
                new JsonObject().put("created", state.now().getEpochSecond()).put("data", data).encode());
    }
}
