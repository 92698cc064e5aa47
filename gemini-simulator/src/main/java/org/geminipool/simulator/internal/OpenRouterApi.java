package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenRouter-like endpoint (openrouter.ai/docs/api-reference): {@code POST /api/v1/chat/completions} with a Bearer
 * key, OpenAI bodies, {@code provider} in the answer, errors as {@code {"error":{"message","code"}}}, a
 * {@code : OPENROUTER PROCESSING} comment before streamed chunks, usage in the last chunk, then {@code [DONE]}.
 * Models are {@code google/<gemini model>}. Each key has its own requests-per-minute limit (fixed windows).
 */
final class OpenRouterApi {

    private final Vertx vertx;
    private final SimState state;
    private final AtomicLong seq;

    OpenRouterApi(Vertx vertx, SimState state, AtomicLong seq) {
        this.vertx = vertx;
        this.state = state;
        this.seq = seq;
    }

    private static void error(RoutingContext ctx, int code, String message, JsonObject metadata) {
        JsonObject e = new JsonObject().put("message", message).put("code", code);
        if (metadata != null) {
            e.put("metadata", metadata);
        }
        Http.send(ctx, code, "application/json", new JsonObject().put("error", e).encode());
    }

    void models(RoutingContext ctx) {
        JsonArray data = new JsonArray();
        for (ModelCatalog.Model m : state.models()) {
            if (m.kind() == ModelCatalog.Kind.TEXT) {
                data.add(new JsonObject().put("id", "google/" + m.name()).put("name", "Google: " + m.displayName())
                        .put("context_length", m.inputTokenLimit()));
            }
        }
        Http.send(ctx, 200, "application/json", new JsonObject().put("data", data).encode());
    }

    void chat(RoutingContext ctx) {
        Http.afterLatency(vertx, state, () -> doChat(ctx));
    }

    private void doChat(RoutingContext ctx) {
        String key = Http.bearer(ctx);
        if (key == null) {
            state.openRouterRefusedAuth();
            error(ctx, 401, "No auth credentials found", null);
            return;
        }
        if (!state.openRouterKeyKnown(key)) {
            state.openRouterRefusedAuth();
            error(ctx, 401, "User not found.", null);
            return;
        }
        JsonObject body;
        try {
            body = Generation.parseObject(ctx.body().asString());
        } catch (Generation.Invalid e) {
            state.openRouterRefusedAuth();
            error(ctx, 400, "Invalid JSON in request body", null);
            return;
        }
        String modelId = body.getString("model", "");
        ModelCatalog.Model m = modelId.startsWith("google/") ? state.findModel(modelId.substring(7)) : null;
        if (m == null || m.kind() != ModelCatalog.Kind.TEXT) {
            state.openRouterRefusedAuth();
            error(ctx, 400, modelId + " is not a valid model ID", null);
            return;
        }
        if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            state.openRouterRefusedAuth();
            error(ctx, 400, "Input required: specify \"prompt\" or \"messages\"", null);
            return;
        }
        int status = state.admitOpenRouter(key);
        if (status == 429) {
            int rpm = state.openRouterRpm(key);
            long reset = (state.now().toEpochMilli() / 60_000 + 1) * 60_000;
            error(ctx, 429, "Rate limit exceeded: limit_rpm/" + modelId + "/" + SimState.fingerprint(key).substring(0, 8)
                    + ". High demand for " + modelId + " on OpenRouter - limited to " + rpm + " requests per minute.",
                    new JsonObject().put("headers", new JsonObject().put("X-RateLimit-Limit", Integer.toString(rpm))
                            .put("X-RateLimit-Remaining", "0").put("X-RateLimit-Reset", Long.toString(reset)))
                            .putNull("provider_name"));
            return;
        }
        if (status != 0) {
            error(ctx, status, "Provider returned error", new JsonObject().put("provider_name", "Google"));
            return;
        }
        StringBuilder whole = new StringBuilder();
        String lastUser = "";
        int tokens = 0;
        for (Object o : messages) {
            if (o instanceof JsonObject msg) {
                Object c = msg.getValue("content");
                String text = c instanceof String s ? s : c == null ? "" : c.toString();
                whole.append(msg.getString("role")).append(": ").append(text).append('\n');
                tokens += ContentGen.tokens(text);
                if ("user".equals(msg.getString("role"))) {
                    lastUser = text;
                }
            }
        }
        Generation.Request req = new Generation.Request(m.name(), whole.toString(), lastUser, Math.max(1, tokens), 0,
                false, body.getInteger("max_tokens"), false);
        Generation.Result r = Generation.run(m, req);
        String id = "gen-" + state.now().getEpochSecond() + "-" + ContentGen.responseId(seq.incrementAndGet(), whole.toString()).substring(0, 20);
        long created = state.now().getEpochSecond();
        String finish = "MAX_TOKENS".equals(r.finishReason()) ? "length" : "stop";
        JsonObject usage = new JsonObject().put("prompt_tokens", r.promptTokens())
                .put("completion_tokens", r.candidatesTokens()).put("total_tokens", r.totalTokens());
        if (!body.getBoolean("stream", false)) {
            JsonObject msg = new JsonObject().put("role", "assistant").put("content", r.text()).putNull("refusal")
                    .putNull("reasoning");
            JsonObject out = new JsonObject().put("id", id).put("provider", "Google").put("model", modelId)
                    .put("object", "chat.completion").put("created", created)
                    .put("choices", new JsonArray().add(new JsonObject().putNull("logprobs").put("finish_reason", finish)
                            .put("native_finish_reason", r.finishReason()).put("index", 0).put("message", msg)))
                    .put("usage", usage);
            Http.send(ctx, 200, "application/json", out.encode());
            return;
        }
        long gap = Http.ms(state.latencyPerChunk());
        List<Http.Frame> frames = new ArrayList<>();
        frames.add(new Http.Frame(": OPENROUTER PROCESSING\n\n", 0));
        List<String> pieces = ContentGen.chunks(r.text(), 6);
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            JsonObject choice = new JsonObject().put("index", 0)
                    .put("delta", new JsonObject().put("role", "assistant").put("content", pieces.get(i)));
            if (last) {
                choice.put("finish_reason", finish).put("native_finish_reason", r.finishReason());
            } else {
                choice.putNull("finish_reason").putNull("native_finish_reason");
            }
            choice.putNull("logprobs");
            JsonObject chunk = new JsonObject().put("id", id).put("provider", "Google").put("model", modelId)
                    .put("object", "chat.completion.chunk").put("created", created)
                    .put("choices", new JsonArray().add(choice));
            frames.add(new Http.Frame("data: " + chunk.encode() + "\n\n", i == 0 ? 0 : gap));
        }
        JsonObject usageChunk = new JsonObject().put("id", id).put("provider", "Google").put("model", modelId)
                .put("object", "chat.completion.chunk").put("created", created)
                .put("choices", new JsonArray()).put("usage", usage);
        frames.add(new Http.Frame("data: " + usageChunk.encode() + "\n\n", 0));
        frames.add(new Http.Frame("data: [DONE]\n\n", 0));
        HttpServerResponse resp = ctx.response();
        resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache");
        Http.writeFrames(vertx, resp, frames, 0);
    }
}
