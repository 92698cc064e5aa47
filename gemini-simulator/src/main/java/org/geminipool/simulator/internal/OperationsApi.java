package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;

/**
 * Long-running operations (gemini-api-2026.md §8): Veo's {@code models/{m}:predictLongRunning} answers
 * {@code {"name":"models/<m>/operations/<id>"}}; {@code GET /v1beta/{name}} answers {@code {"name"}} until the
 * operation has been polled {@link ObjectSettings#operationPolls()} times, then
 * {@code {"name","done":true,"response":{…}}}. The video is a generated file of the same project, downloadable with
 * that project's key only. File Search imports and uploads use the same store of operations.
 */
final class OperationsApi {

    /** A tiny MP4 header ("ftyp" box) followed by the prompt, so a downloaded video has bytes that say what it is. */
    private static final byte[] MP4_HEAD = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0,
            'i', 's', 'o', 'm', 'm', 'p', '4', '2'};

    private final SimState state;
    private final NativeApi natives;
    private final FilesApi files;
    private final ProjectObjects objects;

    OperationsApi(SimState state, NativeApi natives, FilesApi files) {
        this.state = state;
        this.natives = natives;
        this.files = files;
        this.objects = state.objects();
    }

    static GoogleErrors.GoogleError denied(String name) {
        return GoogleErrors.objectDenied("Operation", name);
    }

    /** A new operation of the project, done after the configured polls; {@code onDone} fills its response. */
    ProjectObjects.OperationObj start(String project, String name, JsonObject metadata, Runnable onDone) {
        ProjectObjects.OperationObj op = new ProjectObjects.OperationObj(project, name, state.now());
        op.metadata = metadata;
        op.pollsLeft = state.objectSettings().operationPolls();
        op.onDone = onDone;
        return objects.put(ProjectObjects.Kind.OPERATION, op);
    }

    static JsonObject json(ProjectObjects.OperationObj op) {
        JsonObject o = new JsonObject().put("name", op.id);
        if (op.metadata != null) {
            o.put("metadata", op.metadata);
        }
        if (op.done) {
            o.put("done", true);
            if (op.response != null) {
                o.put("response", op.response);
            }
        }
        return o;
    }

    /** One poll of an operation; true when it became done now. */
    boolean poll(ProjectObjects.OperationObj op) {
        boolean done = objects.locked(() -> {
            if (op.done) {
                return false;
            }
            op.pollsLeft--;
            return op.pollsLeft <= 0;
        });
        if (done) {
            complete(op);
        }
        return done;
    }

    void complete(ProjectObjects.OperationObj op) {
        if (op.onDone != null) {
            op.onDone.run();
        }
        objects.locked(() -> {
            op.done = true;
            op.updated = state.now();
            return null;
        });
    }

    /** Admin hook: finishes an operation of any project now; false when unknown or already done. */
    boolean finishNow(String name) {
        ProjectObjects.OperationObj op = objects.findAnywhere(ProjectObjects.Kind.OPERATION, name);
        if (op == null || op.done) {
            return false;
        }
        complete(op);
        return true;
    }

    /** {@code GET /v1beta/{name}} for an operation name; another project's operation is a 403. */
    void get(RoutingContext ctx, String name) {
        NativeApi.Caller c = natives.authenticate(ctx, NativeApi.nativeKey(ctx), false,
                "google.longrunning.Operations.GetOperation");
        if (c == null) {
            return;
        }
        ProjectObjects.OperationObj op = objects.get(ProjectObjects.Kind.OPERATION, c.project(), name);
        if (op == null) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, denied(name), false);
            return;
        }
        poll(op);
        state.count(c.apiKey(), null, null, true);
        Resources.json(ctx, 200, json(op));
    }

    /**
     * Veo's {@code :predictLongRunning} {@code {"instances":[{"prompt"}],"parameters":{sampleCount,…}}}: counted on
     * the model's buckets like a generation (Veo has no free tier: 0/0 until a test gives a quota).
     */
    void predictLongRunning(RoutingContext ctx, String apiVersion, String modelName) {
        NativeApi.Caller c = natives.authenticate(ctx, NativeApi.nativeKey(ctx), false,
                NativeApi.generativeRpc(apiVersion, "predictLongRunning"));
        if (c == null) {
            return;
        }
        ModelCatalog.Model m = natives.model(ctx, c, apiVersion, modelName, "predictLongRunning", false);
        if (m == null) {
            return;
        }
        String prompt;
        int samples;
        try {
            JsonObject body = Generation.parseObject(ctx.body().asString());
            if (!(body.getValue("instances") instanceof JsonArray instances) || instances.isEmpty()
                    || !(instances.getValue(0) instanceof JsonObject first)) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("* PredictLongRunningRequest.instances: "
                        + "instances is not specified\n"));
            }
            prompt = first.getString("prompt", "");
            if (prompt.isBlank() && first.getValue("image") == null) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("A prompt or an image is required."));
            }
            JsonObject params = body.getJsonObject("parameters", new JsonObject());
            samples = params.getInteger("sampleCount", params.getInteger("numberOfVideos", 1));
            if (samples < 1 || samples > 4) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("sampleCount must be between 1 and 4."));
            }
        } catch (Generation.Invalid e) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, e.error, false);
            return;
        } catch (ClassCastException e) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, GoogleErrors.malformedJson(), false);
            return;
        }
        SimState.Decision d = state.admit(c.project(), m, 1, ContentGen.tokens(prompt), false, false);
        if (!natives.refuse(ctx, c, m, d, false)) {
            return;
        }
        String base = Resources.base(ctx);
        String name = "models/" + m.name() + "/operations/" + objects.newId(12);
        String project = c.project();
        ProjectObjects.OperationObj[] holder = new ProjectObjects.OperationObj[1];
        holder[0] = start(project, name, null, () -> {
            JsonArray generated = new JsonArray();
            for (int i = 0; i < samples; i++) {
                byte[] text = ("simulated video " + (i + 1) + ": " + prompt).getBytes(StandardCharsets.UTF_8);
                byte[] bytes = new byte[MP4_HEAD.length + text.length];
                System.arraycopy(MP4_HEAD, 0, bytes, 0, MP4_HEAD.length);
                System.arraycopy(text, 0, bytes, MP4_HEAD.length, text.length);
                ProjectObjects.FileObj f = files.generated(project, "video-" + (i + 1), "video/mp4", bytes);
                generated.add(new JsonObject().put("video", new JsonObject()
                        .put("uri", base + "/v1beta/files/" + f.id + ":download?alt=media")));
            }
            holder[0].response = new JsonObject()
                    .put("@type", "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse")
                    .put("generateVideoResponse", new JsonObject().put("generatedSamples", generated));
        });
        Resources.json(ctx, 200, new JsonObject().put("name", name));
    }
}
