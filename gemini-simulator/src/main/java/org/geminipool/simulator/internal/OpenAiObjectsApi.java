package org.geminipool.simulator.internal;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The object routes of Google's OpenAI-compatible endpoint (gemini-api-2026.md §12): {@code files} (upload, list, get,
 * delete, content), {@code batches} (create from an uploaded JSONL of chat requests, get, list, cancel) and
 * {@code videos} (create, get, content; Veo). They share the native stores, so a file uploaded here is a
 * {@code files/…} of the caller's project and the same 403 protects it. Errors are Google's array form. OpenAI-style
 * object shapes follow the openai API; the IDs are Google's names ({@code files/…}, {@code batches/…}); the compat
 * files route is *partially confirmed* [C-compat4].
 */
final class OpenAiObjectsApi {

    private final SimState state;
    private final NativeApi natives;
    private final FilesApi files;
    private final BatchesApi batches;
    private final OperationsApi operations;
    private final ProjectObjects objects;
    private final ObjectCalls calls;

    OpenAiObjectsApi(SimState state, NativeApi natives, FilesApi files, BatchesApi batches, OperationsApi operations) {
        this.state = state;
        this.natives = natives;
        this.files = files;
        this.batches = batches;
        this.operations = operations;
        this.objects = state.objects();
        this.calls = ObjectCalls.openAi(state, natives);
    }

    void mount(Router r) {
        Path uploads;
        try {
            uploads = Files.createTempDirectory("gemini-sim-openai-uploads");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // multipart/form-data: Vert.x writes the file part to disk as it arrives.
        r.post("/v1beta/openai/files").handler(BodyHandler.create(uploads.toString()).setBodyLimit(-1)
                .setDeleteUploadedFilesOnEnd(true)).handler(this::upload);
        r.get("/v1beta/openai/files").handler(this::listFiles);
        r.routeWithRegex("/v1beta/openai/files/(?:files/)?([a-z0-9-]+)(/content)?").handler(this::file);
        r.post("/v1beta/openai/batches").handler(this::createBatch);
        r.get("/v1beta/openai/batches").handler(this::listBatches);
        r.routeWithRegex("/v1beta/openai/batches/(?:batches/)?([a-z0-9-]+)(/cancel)?").handler(this::batch);
        r.post("/v1beta/openai/videos").handler(this::createVideo);
        r.routeWithRegex("/v1beta/openai/videos/([A-Za-z0-9_.%/-]+?)(/content)?").handler(this::video);
    }

    private static long epoch(java.time.Instant t) {
        return t.getEpochSecond();
    }

    // ------------------------------------------------------------------ files

    static JsonObject fileJson(ProjectObjects.FileObj f) {
        return new JsonObject().put("id", "files/" + f.id).put("object", "file").put("bytes", f.sizeBytes)
                .put("created_at", epoch(f.created)).put("filename", f.displayName == null ? f.id : f.displayName)
                .put("purpose", "GENERATED".equals(f.source) ? "batch_output" : "batch")
                .put("expires_at", epoch(f.expires));
    }

    private void upload(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "CreateFile");
        if (c == null) {
            return;
        }
        List<FileUpload> ups = ctx.fileUploads();
        if (ups.isEmpty()) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("A multipart/form-data body with a file part is required."));
            return;
        }
        FileUpload up = ups.get(0);
        ProjectObjects.FileObj f = files.newFile(c.project(), null, up.fileName(), up.contentType() == null
                || up.contentType().equals("application/octet-stream") && up.fileName().endsWith(".jsonl")
                ? "application/jsonl" : up.contentType());
        try {
            Path src = Path.of(up.uploadedFileName());
            f.sizeBytes = Files.size(src);
            java.security.MessageDigest d = ProjectObjects.sha256();
            try (var in = Files.newInputStream(src)) {
                byte[] buf = new byte[64 * 1024];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    d.update(buf, 0, n);
                }
            }
            f.sha256Hex = java.util.HexFormat.of().formatHex(d.digest());
            if (f.sizeBytes <= state.objectSettings().keepBytesUpTo()) {
                Path kept = Files.createTempFile("gemini-sim-openai-file", ".bin");
                Files.copy(src, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                f.content = kept;
            }
        } catch (IOException e) {
            calls.refuse(ctx, c, GoogleErrors.internal());
            return;
        }
        objects.put(ProjectObjects.Kind.FILE, f);
        calls.ok(ctx, c, fileJson(f));
    }

    private void listFiles(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "ListFiles");
        if (c == null) {
            return;
        }
        java.time.Instant now = state.now();
        JsonArray data = new JsonArray();
        objects.list(ProjectObjects.Kind.FILE, c.project(),
                Comparator.comparing((ProjectObjects.FileObj f) -> f.created).reversed(),
                (ProjectObjects.FileObj f) -> f.expires == null || now.isBefore(f.expires))
                .forEach(f -> data.add(fileJson(f)));
        calls.ok(ctx, c, new JsonObject().put("object", "list").put("data", data).put("has_more", false));
    }

    private void file(RoutingContext ctx) {
        String id = ctx.pathParam("param0");
        boolean content = ctx.pathParam("param1") != null;
        HttpMethod m = ctx.request().method();
        NativeApi.Caller c = calls.auth(ctx, content ? "DownloadFile" : m == HttpMethod.DELETE ? "DeleteFile" : "GetFile");
        if (c == null) {
            return;
        }
        ProjectObjects.FileObj f = calls.file(ctx, c, id);
        if (f == null) {
            return;
        }
        if (content && m == HttpMethod.GET) {
            if (f.content == null) {
                calls.refuse(ctx, c, GoogleErrors.invalidArgument("The content of files/" + id + " is not available."));
                return;
            }
            calls.count(c, true);
            ctx.response().putHeader("Content-Type", f.mimeType);
            ctx.response().sendFile(f.content.toString());
        } else if (!content && m == HttpMethod.GET) {
            calls.ok(ctx, c, fileJson(f));
        } else if (!content && m == HttpMethod.DELETE) {
            objects.remove(ProjectObjects.Kind.FILE, c.project(), id);
            calls.ok(ctx, c, new JsonObject().put("id", "files/" + id).put("object", "file").put("deleted", true));
        } else {
            calls.refuse(ctx, c, GoogleErrors.notFound("Method not found."));
        }
    }

    // ------------------------------------------------------------------ batches

    /**
     * {@code {"input_file_id","endpoint":"/v1/chat/completions","completion_window":"24h"}}: each JSONL line is
     * {@code {"custom_id","method","url","body":{model,messages}}}; all lines must name one model (the batch's).
     */
    private void createBatch(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "CreateBatch");
        if (c == null) {
            return;
        }
        JsonObject body = calls.body(ctx, c);
        if (body == null) {
            return;
        }
        String input = body.getString("input_file_id");
        if (input == null || input.isBlank()) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("input_file_id is required."));
            return;
        }
        String fileId = SimState.stripPrefix(input, "files/");
        ProjectObjects.FileObj f = calls.file(ctx, c, fileId);
        if (f == null) {
            return;
        }
        byte[] bytes = FilesApi.bytes(f);
        if (bytes == null) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("files/" + fileId + " is not a JSONL file of requests."));
            return;
        }
        String model = null;
        List<JsonObject> items = new java.util.ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject l;
            try {
                l = Generation.parseObject(line);
            } catch (Generation.Invalid e) {
                calls.refuse(ctx, c, GoogleErrors.invalidArgument("A line of files/" + fileId + " is not valid JSON."));
                return;
            }
            JsonObject b = l.getJsonObject("body", new JsonObject());
            String lm = ModelCatalog.bare(b.getString("model", ""));
            if (lm.isEmpty() || (model != null && !model.equals(lm))) {
                calls.refuse(ctx, c, GoogleErrors.invalidArgument("Every request of a batch must name the same model."));
                return;
            }
            model = lm;
            StringBuilder text = new StringBuilder();
            if (b.getValue("messages") instanceof JsonArray msgs) {
                for (Object o : msgs) {
                    if (o instanceof JsonObject msg) {
                        InteractionsApi.collectText(msg.getValue("content"), text);
                    }
                }
            }
            JsonObject request = new JsonObject().put("contents", new JsonArray().add(new JsonObject()
                    .put("role", "user").put("parts", new JsonArray().add(new JsonObject()
                            .put("text", text.length() == 0 ? "." : text.toString())))));
            items.add(new JsonObject().put("key", l.getString("custom_id", "")).put("request", request));
        }
        if (model == null) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("The batch has no requests."));
            return;
        }
        ModelCatalog.Model m = natives.model(ctx, c, "v1main", model, "batchGenerateContent", true);
        if (m == null) {
            return;
        }
        ProjectObjects.BatchObj b = new ProjectObjects.BatchObj(c.project(), objects.newId(36), state.now());
        b.model = m.name();
        b.inputFile = "files/" + fileId;
        b.requests = items;
        b.pollsLeft = state.objectSettings().batchPolls();
        b.stats = new JsonObject().put("requestCount", Integer.toString(items.size()));
        b.displayName = "openai:" + body.getString("endpoint", "/v1/chat/completions");
        objects.put(ProjectObjects.Kind.BATCH, b);
        calls.ok(ctx, c, batchJson(b, body.getString("completion_window", "24h")));
    }

    private JsonObject batchJson(ProjectObjects.BatchObj b, String window) {
        return objects.locked(() -> {
            String status = switch (b.state) {
                case "BATCH_STATE_PENDING" -> "validating";
                case "BATCH_STATE_RUNNING" -> "in_progress";
                case "BATCH_STATE_SUCCEEDED" -> "completed";
                case "BATCH_STATE_CANCELLED" -> "cancelled";
                case "BATCH_STATE_EXPIRED" -> "expired";
                default -> "failed";
            };
            int total = b.requests.size();
            int ok = Integer.parseInt(b.stats.getString("successfulRequestCount", "0"));
            int failed = Integer.parseInt(b.stats.getString("failedRequestCount", "0"));
            JsonObject o = new JsonObject().put("id", "batches/" + b.id).put("object", "batch")
                    .put("endpoint", b.displayName != null && b.displayName.startsWith("openai:")
                            ? b.displayName.substring(7) : "/v1/chat/completions")
                    .put("errors", (Object) null).put("input_file_id", b.inputFile)
                    .put("completion_window", window).put("status", status)
                    .put("output_file_id", b.output == null ? null : b.output.getString("responsesFile"))
                    .put("created_at", epoch(b.created));
            if (b.ended != null) {
                o.put(status.equals("cancelled") ? "cancelled_at" : "completed_at", epoch(b.ended));
            }
            return o.put("request_counts", new JsonObject().put("total", total).put("completed", ok)
                    .put("failed", failed));
        });
    }

    private boolean isOpenAi(ProjectObjects.BatchObj b) {
        return b.displayName != null && b.displayName.startsWith("openai:");
    }

    private void batch(RoutingContext ctx) {
        String id = ctx.pathParam("param0");
        boolean cancel = ctx.pathParam("param1") != null;
        HttpMethod m = ctx.request().method();
        NativeApi.Caller c = calls.auth(ctx, cancel ? "CancelBatch" : "GetBatch");
        if (c == null) {
            return;
        }
        ProjectObjects.BatchObj b = calls.owned(ctx, c, ProjectObjects.Kind.BATCH, id, () -> BatchesApi.denied(id));
        if (b == null) {
            return;
        }
        if (cancel && m == HttpMethod.POST) {
            objects.locked(() -> {
                if (b.active()) {
                    b.state = "BATCH_STATE_CANCELLED";
                    b.ended = state.now();
                }
                return null;
            });
            calls.ok(ctx, c, batchJson(b, "24h"));
        } else if (!cancel && m == HttpMethod.GET) {
            batches.poll(ctx, b);
            if (isOpenAi(b)) {
                openAiOutput(b);
            }
            calls.ok(ctx, c, batchJson(b, "24h"));
        } else {
            calls.refuse(ctx, c, GoogleErrors.notFound("Method not found."));
        }
    }

    /** Rewrites a finished compat batch's result file as OpenAI batch output lines (once). */
    private void openAiOutput(ProjectObjects.BatchObj b) {
        String responses = objects.locked(() -> b.output == null || b.output.getBoolean("openai", false) ? null
                : b.output.getString("responsesFile"));
        if (responses == null) {
            return;
        }
        ProjectObjects.FileObj native_ = state.file(b.project, responses);
        byte[] bytes = native_ == null ? null : FilesApi.bytes(native_);
        if (bytes == null) {
            return;
        }
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject r = new JsonObject(line);
            JsonObject resp = r.getJsonObject("response");
            String text = "";
            JsonObject usage = new JsonObject();
            if (resp != null) {
                JsonArray parts = resp.getJsonArray("candidates").getJsonObject(0).getJsonObject("content")
                        .getJsonArray("parts", new JsonArray());
                StringBuilder t = new StringBuilder();
                parts.forEach(p -> {
                    if (p instanceof JsonObject po && !po.getBoolean("thought", false) && po.getString("text") != null) {
                        t.append(po.getString("text"));
                    }
                });
                text = t.toString();
                JsonObject um = resp.getJsonObject("usageMetadata");
                usage.put("prompt_tokens", um.getInteger("promptTokenCount"))
                        .put("completion_tokens", um.getInteger("candidatesTokenCount", 0))
                        .put("total_tokens", um.getInteger("totalTokenCount"));
            }
            JsonObject completion = new JsonObject().put("id", resp == null ? "" : resp.getString("responseId"))
                    .put("object", "chat.completion").put("created", epoch(b.created)).put("model", b.model)
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                            .put("message", new JsonObject().put("role", "assistant").put("content", text))
                            .put("finish_reason", "stop"))).put("usage", usage);
            out.append(new JsonObject().put("id", "batch_req_" + (++n)).put("custom_id", r.getString("key"))
                    .put("response", new JsonObject().put("status_code", resp == null ? 400 : 200)
                            .put("body", completion)).put("error", r.getValue("error")).encode()).append('\n');
        }
        ProjectObjects.FileObj f = files.generated(b.project, "batch-" + b.id + "-output.jsonl", "application/jsonl",
                out.toString().getBytes(StandardCharsets.UTF_8));
        objects.locked(() -> b.output = new JsonObject().put("responsesFile", "files/" + f.id).put("openai", true));
    }

    private void listBatches(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "ListBatches");
        if (c == null) {
            return;
        }
        JsonArray data = new JsonArray();
        objects.list(ProjectObjects.Kind.BATCH, c.project(),
                Comparator.comparing((ProjectObjects.BatchObj x) -> x.created).reversed(), this::isOpenAi)
                .forEach(b -> data.add(batchJson(b, "24h")));
        calls.ok(ctx, c, new JsonObject().put("object", "list").put("data", data).put("has_more", false));
    }

    // ------------------------------------------------------------------ videos

    /** {@code {"model","prompt","seconds"?,"size"?}}: a Veo operation; the video object's id is its name. */
    private void createVideo(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "CreateVideo");
        if (c == null) {
            return;
        }
        JsonObject body = calls.body(ctx, c);
        if (body == null) {
            return;
        }
        String prompt = body.getString("prompt");
        if (prompt == null || prompt.isBlank()) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("prompt is required."));
            return;
        }
        ModelCatalog.Model m = natives.model(ctx, c, "v1main", body.getString("model", "veo-3.1-generate-preview"),
                "predictLongRunning", true);
        if (m == null) {
            return;
        }
        SimState.Decision d = state.admit(c.project(), m, 1, ContentGen.tokens(prompt), false, false);
        if (!natives.refuse(ctx, c, m, d, true)) {
            return;
        }
        String id = objects.newId(12);
        ProjectObjects.VideoJob v = new ProjectObjects.VideoJob(c.project(), id, state.now());
        v.model = m.name();
        v.prompt = prompt;
        v.pollsLeft = state.objectSettings().operationPolls();
        objects.put(ProjectObjects.Kind.OPENAI_VIDEO, v);
        Http.send(ctx, 200, Http.JSON_UTF8, videoJson(v, body).encode());
    }

    private JsonObject videoJson(ProjectObjects.VideoJob v, JsonObject req) {
        return objects.locked(() -> new JsonObject().put("id", v.id).put("object", "video").put("model", v.model)
                .put("status", v.status).put("progress", v.status.equals("completed") ? 100 : 0)
                .put("created_at", epoch(v.created)).put("prompt", v.prompt)
                .put("seconds", req == null ? "8" : String.valueOf(req.getValue("seconds", "8")))
                .put("size", req == null ? "1280x720" : req.getString("size", "1280x720")));
    }

    private void video(RoutingContext ctx) {
        String id = ctx.pathParam("param0");
        boolean content = ctx.pathParam("param1") != null;
        NativeApi.Caller c = calls.auth(ctx, content ? "DownloadVideo" : "GetVideo");
        if (c == null) {
            return;
        }
        ProjectObjects.VideoJob v = objects.get(ProjectObjects.Kind.OPENAI_VIDEO, c.project(), id);
        if (v == null || ctx.request().method() != HttpMethod.GET) {
            calls.refuse(ctx, c, v == null ? GoogleErrors.objectDenied("Video", id) : GoogleErrors.notFound("Method not found."));
            return;
        }
        if (content) {
            ProjectObjects.FileObj f = v.fileId == null ? null : state.file(c.project(), v.fileId);
            if (f == null) {
                calls.refuse(ctx, c, GoogleErrors.of(400, "FAILED_PRECONDITION", "Video " + id + " is not completed."));
                return;
            }
            calls.count(c, true);
            ctx.response().putHeader("Content-Type", "video/mp4");
            ctx.response().sendFile(f.content.toString());
            return;
        }
        boolean done = objects.locked(() -> {
            if (v.status.equals("completed")) {
                return false;
            }
            v.status = "in_progress";
            return --v.pollsLeft <= 0;
        });
        if (done) {
            ProjectObjects.FileObj f = files.generated(c.project(), "video-" + id + ".mp4", "video/mp4",
                    ("simulated video: " + v.prompt).getBytes(StandardCharsets.UTF_8));
            objects.locked(() -> {
                v.fileId = f.id;
                v.status = "completed";
                return null;
            });
        }
        calls.ok(ctx, c, videoJson(v, null));
    }

    OperationsApi operations() {
        return operations;
    }
}
