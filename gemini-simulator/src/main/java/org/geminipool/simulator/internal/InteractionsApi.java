package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Interactions API (gemini-api-2026.md §7): {@code POST /v1beta/interactions} (JSON, or SSE with
 * {@code "stream":true}), {@code GET /v1beta/interactions/{id}} (JSON, or the stored events replayed as SSE with
 * {@code ?stream=true}, from after {@code last_event_id}), {@code POST …/{id}/cancel}, {@code DELETE …/{id}}.
 *
 * <p>Its errors are its own envelope, {@code {"error":{"code":"<string>","message"}}} [JS-ierror, I-2985]; the code is
 * the lowercase gRPC status name ({@code not_found} is Google's; the others follow it, *unconfirmed*). Key and
 * project refusals come from Google's front end, shared by every route, so they keep the numeric envelope
 * (simulator choice). Interactions count on the model's buckets like generateContent; a refusal consumes nothing.
 * Interactions belong to the caller's project: another project's id, as {@code previous_interaction_id} or in the
 * path, is a 404 {@code not_found} (the reference calls the cross-key answer unconfirmed).
 */
final class InteractionsApi {

    private final Vertx vertx;
    private final SimState state;
    private final AtomicLong seq;
    private final ProjectObjects objects;
    /** Authentication and successful answers; refusals are {@link #fail}s in this API's own envelope. */
    private final ObjectCalls calls;

    InteractionsApi(Vertx vertx, SimState state, NativeApi natives, AtomicLong seq) {
        this.vertx = vertx;
        this.state = state;
        this.seq = seq;
        this.objects = state.objects();
        this.calls = ObjectCalls.nativeService(state, natives, "InteractionService");
    }

    /** The Interactions error envelope. */
    static JsonObject error(String code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }

    private void fail(RoutingContext ctx, NativeApi.Caller c, int status, String code, String message) {
        state.count(c.apiKey(), null, null, false);
        Resources.json(ctx, status, error(code, message));
    }

    /** The same Google error in the Interactions envelope (quota, injected failures, bad input). */
    private void fail(RoutingContext ctx, NativeApi.Caller c, GoogleErrors.GoogleError e) {
        JsonObject err = e.error();
        fail(ctx, c, e.code(), err.getString("status", "unknown").toLowerCase(java.util.Locale.ROOT),
                err.getString("message"));
    }

    void handle(RoutingContext ctx, String rest) {
        HttpMethod m = ctx.request().method();
        if (rest.isEmpty() && m == HttpMethod.POST) {
            Http.afterLatency(vertx, state, () -> create(ctx));
            return;
        }
        String[] parts = rest.split("/");
        if (rest.isEmpty() || parts.length > 2 || (parts.length == 2 && !parts[1].equals("cancel"))) {
            Resources.json(ctx, 404, error("not_found", "Method not found."));
            return;
        }
        String id = parts[0];
        String rpc = parts.length == 2 ? "CancelInteraction" : m == HttpMethod.DELETE ? "DeleteInteraction"
                : "GetInteraction";
        if ((parts.length == 2 && m != HttpMethod.POST) || (parts.length == 1 && m != HttpMethod.GET
                && m != HttpMethod.DELETE)) {
            Resources.json(ctx, 404, error("not_found", "Method not found."));
            return;
        }
        NativeApi.Caller c = calls.auth(ctx, rpc);
        if (c == null) {
            return;
        }
        ProjectObjects.InteractionObj it = objects.get(ProjectObjects.Kind.INTERACTION, c.project(), id);
        if (it == null) {
            fail(ctx, c, 404, "not_found", "Interaction " + id + " not found.");
            return;
        }
        switch (rpc) {
            case "GetInteraction" -> get(ctx, c, it);
            case "CancelInteraction" -> cancel(ctx, c, it);
            default -> {
                objects.remove(ProjectObjects.Kind.INTERACTION, c.project(), id);
                calls.ok(ctx, c, new JsonObject());
            }
        }
    }

    // ------------------------------------------------------------------ create

    private void create(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "CreateInteraction");
        if (c == null) {
            return;
        }
        JsonObject body;
        try {
            body = Generation.parseObject(ctx.body().asString());
        } catch (Generation.Invalid e) {
            fail(ctx, c, 400, "invalid_argument", "Request body is not a valid JSON object.");
            return;
        }
        if (body.getValue("agent") != null && body.getValue("model") == null) {
            fail(ctx, c, 400, "invalid_argument", "Agents are not simulated; name a model.");
            return;
        }
        if (!(body.getValue("model") instanceof String modelName) || modelName.isBlank()) {
            fail(ctx, c, 400, "invalid_argument", "One of model or agent must be set.");
            return;
        }
        String bare = ModelCatalog.bare(modelName);
        Catalog.Lookup found = state.lookup(bare, c.project());
        ModelCatalog.Model m = found.model();
        if (found.gone() != null || m == null || !m.supports("generateContent")) {
            fail(ctx, c, 404, "not_found", found.gone() != null
                    ? GoogleErrors.modelGone(bare).error().getString("message")
                    : "Model " + bare + " is not found or does not support interactions.");
            return;
        }
        boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
        boolean store = !Boolean.FALSE.equals(body.getValue("store"));
        boolean background = Boolean.TRUE.equals(body.getValue("background"));
        if (!store && background) {
            fail(ctx, c, 400, "invalid_argument", "background requires store to be true.");
            return;
        }
        String previousId = body.getValue("previous_interaction_id") instanceof String p && !p.isBlank() ? p : null;
        ProjectObjects.InteractionObj previous = null;
        if (previousId != null) {
            if (!store) {
                fail(ctx, c, 400, "invalid_argument", "previous_interaction_id requires store to be true.");
                return;
            }
            previous = objects.get(ProjectObjects.Kind.INTERACTION, c.project(), previousId);
            if (previous == null) {
                fail(ctx, c, 404, "not_found", "Interaction " + previousId + " not found.");
                return;
            }
        }
        Object input = body.getValue("input");
        StringBuilder text = new StringBuilder();
        collectText(input, text);
        if (input == null || (text.length() == 0 && !(input instanceof JsonArray))) {
            fail(ctx, c, 400, "invalid_argument", "input is required.");
            return;
        }
        String history = previous == null ? "" : previous.history;
        String system = body.getValue("system_instruction") instanceof String s ? s + "\n" : "";
        String whole = system + history + text + "\n";
        int promptTokens = ContentGen.tokens(whole);
        JsonObject gc = body.getJsonObject("generation_config", new JsonObject());
        Integer maxOut = gc.getInteger("max_output_tokens");
        SimState.Decision d = state.admit(c.project(), m, 1, promptTokens, false, stream);
        GoogleErrors.GoogleError refusal = d.prepayDepleted() ? GoogleErrors.prepayDepleted()
                : d.quotaRefused() ? GoogleErrors.quotaExceeded(d.violations(), d.retrySeconds())
                : d.injectedStatus() != 0 ? GoogleErrors.injected(d.injectedStatus(), d.injectedText()) : null;
        String quotaModel = state.quotaModel(m);
        if (refusal != null) {
            state.count(null, c.project(), quotaModel, false);
            fail(ctx, c, refusal);
            return;
        }
        state.count(null, c.project(), quotaModel, true);
        Generation.Result r = Generation.run(m, new Generation.Request(m.name(), whole, text.toString(), promptTokens,
                null, false, maxOut, false));
        ProjectObjects.InteractionObj it = new ProjectObjects.InteractionObj(c.project(), newInteractionId(), state.now());
        it.model = bare;
        it.previousId = previousId;
        it.inputText = text.toString();
        it.outputText = r.text();
        it.history = history + "user: " + text + "\nmodel: " + r.text() + "\n";
        it.inputSteps = new JsonArray().add(new JsonObject().put("type", "user_input")
                .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text.toString()))));
        JsonObject usage = usage(r);
        it.status = background ? "in_progress" : "completed";
        it.pollsLeft = state.objectSettings().interactionPolls();
        it.resource = resource(it, r, usage, false);
        it.events = events(it, r, usage);
        if (store) {
            objects.put(ProjectObjects.Kind.INTERACTION, it);
        }
        state.count(c.apiKey(), null, null, true);
        if (stream) {
            sse(ctx, it.events, 0, d.midStreamFailure());
        } else {
            Resources.json(ctx, 200, background ? inProgress(it) : it.resource);
        }
    }

    private String newInteractionId() {
        return "v1_" + objects.newId(32);
    }

    /** Every string under a {@code text} key of the input (a string input is its own text). */
    static void collectText(Object v, StringBuilder out) {
        if (v instanceof String s) {
            out.append(s);
        } else if (v instanceof JsonArray a) {
            for (Object o : a) {
                collectText(o, out);
            }
        } else if (v instanceof JsonObject o) {
            if (o.getValue("text") instanceof String t) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append(t);
            }
            for (String k : List.of("content", "parts")) {
                if (o.getValue(k) != null) {
                    collectText(o.getValue(k), out);
                }
            }
        }
    }

    /** {@code usage} [JS-usage]: totals and the input by modality. */
    static JsonObject usage(Generation.Result r) {
        JsonObject u = new JsonObject().put("total_input_tokens", r.promptTokens())
                .put("total_output_tokens", r.candidatesTokens());
        if (r.thoughtsTokens() > 0) {
            u.put("total_thought_tokens", r.thoughtsTokens());
        }
        return u.put("total_tokens", r.totalTokens()).put("input_tokens_by_modality", new JsonArray()
                .add(new JsonObject().put("modality", "text").put("tokens", r.promptTokens())));
    }

    /** The Interaction resource: {@code id, status, model, steps, usage, created, updated, previous_interaction_id}. */
    private JsonObject resource(ProjectObjects.InteractionObj it, Generation.Result r, JsonObject usage,
                                boolean withInput) {
        JsonArray steps = new JsonArray();
        if (withInput) {
            it.inputSteps.forEach(steps::add);
        }
        steps.add(new JsonObject().put("type", "model_output").put("content", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", r == null ? it.outputText : r.text()))));
        JsonObject o = new JsonObject().put("id", it.id).put("status", it.status).put("model", it.model)
                .put("steps", steps).put("usage", usage)
                .put("created", Resources.time(it.created)).put("updated", Resources.time(it.updated));
        if (it.previousId != null) {
            o.put("previous_interaction_id", it.previousId);
        }
        return o;
    }

    private static JsonObject inProgress(ProjectObjects.InteractionObj it) {
        JsonObject o = new JsonObject().put("id", it.id).put("status", it.status).put("model", it.model)
                .put("created", Resources.time(it.created)).put("updated", Resources.time(it.updated));
        if (it.previousId != null) {
            o.put("previous_interaction_id", it.previousId);
        }
        return o;
    }

    /**
     * The SSE events [JS-events, S-api]: {@code interaction.created}, {@code step.start}, one {@code step.delta} per few
     * words, {@code step.stop} with the usage, {@code interaction.completed}; each with an opaque {@code event_id}.
     */
    private List<JsonObject> events(ProjectObjects.InteractionObj it, Generation.Result r, JsonObject usage) {
        List<JsonObject> out = new ArrayList<>();
        JsonObject created = new JsonObject().put("id", it.id).put("status", "in_progress").put("model", it.model)
                .put("created", Resources.time(it.created));
        out.add(new JsonObject().put("event_type", "interaction.created").put("interaction", created));
        out.add(new JsonObject().put("event_type", "step.start").put("index", 0)
                .put("step", new JsonObject().put("type", "model_output")));
        for (String piece : ContentGen.chunks(r.text(), 6)) {
            if (!piece.isEmpty()) {
                out.add(new JsonObject().put("event_type", "step.delta").put("index", 0)
                        .put("delta", new JsonObject().put("type", "text").put("text", piece)));
            }
        }
        out.add(new JsonObject().put("event_type", "step.stop").put("index", 0).put("step_usage", usage)
                .put("usage", usage));
        JsonObject done = new JsonObject().put("id", it.id).put("status", "completed").put("model", it.model)
                .put("created", Resources.time(it.created)).put("updated", Resources.time(it.updated))
                .put("usage", usage);
        out.add(new JsonObject().put("event_type", "interaction.completed").put("interaction", done));
        for (int i = 0; i < out.size(); i++) {
            out.get(i).put("event_id", eventId(it.id, i));
        }
        return out;
    }

    static String eventId(String interactionId, int index) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((interactionId + ":" + index).getBytes(StandardCharsets.UTF_8));
    }

    /** The index after the event named by {@code lastEventId}; -1 when it is not one of this interaction's. */
    static int resumeFrom(String interactionId, String lastEventId) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(lastEventId), StandardCharsets.UTF_8);
            if (!s.startsWith(interactionId + ":")) {
                return -1;
            }
            return Integer.parseInt(s.substring(interactionId.length() + 1)) + 1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Writes {@code events} from {@code from} as {@code data: {json}\n\n}; a mid-stream failure ends with an error. */
    private void sse(RoutingContext ctx, List<JsonObject> events, int from, boolean midStreamFailure) {
        long gap = Http.ms(state.latencyPerChunk());
        List<Http.Frame> frames = new ArrayList<>();
        int keep = midStreamFailure ? Math.max(from + 1, (events.size() + from) / 2) : events.size();
        for (int i = from; i < keep; i++) {
            frames.add(new Http.Frame("data: " + events.get(i).encode() + "\n\n", i == from ? 0 : gap));
        }
        if (midStreamFailure) {
            JsonObject err = new JsonObject().put("event_type", "error").put("error", new JsonObject()
                    .put("code", "unavailable").put("message", GoogleErrors.unavailable().error().getString("message")));
            frames.add(new Http.Frame("data: " + err.encode() + "\n\n", Math.max(gap, 50)));
        }
        HttpServerResponse resp = ctx.response();
        resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache");
        Http.writeFrames(vertx, resp, frames, 0);
    }

    // ------------------------------------------------------------------ get / cancel

    /** One poll of a background interaction: done after {@link ObjectSettings#interactionPolls()} GETs. */
    private void poll(ProjectObjects.InteractionObj it) {
        objects.locked(() -> {
            if ("in_progress".equals(it.status) && --it.pollsLeft <= 0) {
                it.status = "completed";
                it.updated = state.now();
                it.resource.put("status", "completed").put("updated", Resources.time(it.updated));
            }
            return null;
        });
    }

    private void get(RoutingContext ctx, NativeApi.Caller c, ProjectObjects.InteractionObj it) {
        poll(it);
        boolean stream = "true".equalsIgnoreCase(ctx.request().getParam("stream"));
        if (stream) {
            String last = Http.nonBlank(ctx.request().getParam("last_event_id"));
            int from = last == null ? 0 : resumeFrom(it.id, last);
            if (from < 0 || from > it.events.size()) {
                fail(ctx, c, 400, "invalid_argument", "last_event_id " + last + " is not an event of interaction "
                        + it.id + ".");
                return;
            }
            state.count(c.apiKey(), null, null, true);
            if (from == it.events.size()) {
                ctx.response().setStatusCode(200).putHeader("Content-Type", "text/event-stream").end();
                return;
            }
            sse(ctx, it.events, from, false);
            return;
        }
        boolean includeInput = !"false".equalsIgnoreCase(ctx.request().getParam("include_input"));
        JsonObject body = objects.locked(() -> {
            if ("in_progress".equals(it.status) || "cancelled".equals(it.status)) {
                return inProgress(it);
            }
            JsonObject o = it.resource.copy();
            if (includeInput) {
                JsonArray steps = new JsonArray();
                it.inputSteps.forEach(steps::add);
                o.getJsonArray("steps").forEach(steps::add);
                o.put("steps", steps);
            }
            return o;
        });
        calls.ok(ctx, c, body);
    }

    private void cancel(RoutingContext ctx, NativeApi.Caller c, ProjectObjects.InteractionObj it) {
        boolean cancelled = objects.locked(() -> {
            if (!"in_progress".equals(it.status)) {
                return false;
            }
            it.status = "cancelled";
            it.updated = state.now();
            return true;
        });
        if (!cancelled) {
            fail(ctx, c, 400, "failed_precondition", "Only a background interaction in progress can be cancelled.");
            return;
        }
        calls.ok(ctx, c, inProgress(it));
    }

    /** Admin hook: completes a background interaction of any project now. */
    boolean finishNow(String id) {
        ProjectObjects.InteractionObj it = objects.findAnywhere(ProjectObjects.Kind.INTERACTION, id);
        if (it == null || !"in_progress".equals(it.status)) {
            return false;
        }
        objects.locked(() -> {
            it.pollsLeft = 1;
            return null;
        });
        poll(it);
        return true;
    }
}
