package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Batch API (gemini-api-2026.md §6): {@code models/{m}:batchGenerateContent} and
 * {@code models/{m}:asyncBatchEmbedContent} with inline requests or an uploaded JSONL file, {@code batches/{id}} get,
 * list, cancel and delete. A batch is PENDING when created, RUNNING at its first poll and SUCCEEDED after
 * {@link ObjectSettings#batchPolls()} polls (or when a test finishes it); then its results are inline
 * ({@code output.inlinedResponses}) or, for file input, a generated JSONL file ({@code output.responsesFile}).
 *
 * <p>Quota: batches use their own buckets, not the model's online RPM/TPM [P-apis]: at most
 * {@link ObjectSettings#batchConcurrentLimit()} pending or running batches per project and
 * {@link ObjectSettings#batchEnqueuedTokenLimit()} enqueued input tokens per project and quota model. Beyond them
 * create answers the details-less 429 with only a Help link [I-batch429].
 */
final class BatchesApi {

    /** Google names its internal version in these types (*unconfirmed*; observed in public captures as v1main). */
    private static final String TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main.";

    private final Vertx vertx;
    private final SimState state;
    private final NativeApi natives;
    private final FilesApi files;
    private final AtomicLong seq;
    private final ProjectObjects objects;
    private final ObjectCalls calls;

    BatchesApi(Vertx vertx, SimState state, NativeApi natives, FilesApi files, AtomicLong seq) {
        this.vertx = vertx;
        this.state = state;
        this.natives = natives;
        this.files = files;
        this.seq = seq;
        this.objects = state.objects();
        this.calls = ObjectCalls.nativeService(state, natives, "BatchService");
    }

    static GoogleErrors.GoogleError denied(String id) {
        return GoogleErrors.objectDenied("Batch", "batches/" + id);
    }

    // ------------------------------------------------------------------ create

    void create(RoutingContext ctx, String apiVersion, String modelName, boolean embed) {
        NativeApi.Caller c = calls.authRpc(ctx, NativeApi.generativeRpc(apiVersion,
                embed ? "asyncBatchEmbedContent" : "batchGenerateContent"));
        if (c == null) {
            return;
        }
        ModelCatalog.Model m = natives.model(ctx, c, apiVersion, modelName,
                embed ? "asyncBatchEmbedContent" : "batchGenerateContent", false);
        if (m == null) {
            return;
        }
        ProjectObjects.BatchObj b;
        try {
            JsonObject body = Generation.parseObject(ctx.body().asString());
            b = parse(c, m, body, embed);
        } catch (Generation.Invalid e) {
            calls.refuse(ctx, c, e.error);
            return;
        }
        if (!admit(b)) {
            calls.refuse(ctx, c, GoogleErrors.batchQuotaExceeded());
            return;
        }
        objects.put(ProjectObjects.Kind.BATCH, b);
        calls.ok(ctx, c, operation(ctx, b));
    }

    /** Checks the batch buckets of the batch's project (the caller holds no lock; create is on the one event loop). */
    private boolean admit(ProjectObjects.BatchObj b) {
        ObjectSettings s = state.objectSettings();
        String quotaModel = state.quotaModelOf(b.model);
        List<ProjectObjects.BatchObj> active = objects.list(ProjectObjects.Kind.BATCH, b.project, null,
                ProjectObjects.BatchObj::active);
        if (active.size() + 1 > s.batchConcurrentLimit()) {
            return false;
        }
        long enqueued = b.enqueuedTokens;
        for (ProjectObjects.BatchObj other : active) {
            if (state.quotaModelOf(other.model).equals(quotaModel)) {
                enqueued += other.enqueuedTokens;
            }
        }
        return enqueued <= s.batchEnqueuedTokenLimit();
    }

    /** The requests of {@code {"batch":{displayName, inputConfig:{requests:{requests:[…]}} | {fileName}}}}. */
    private ProjectObjects.BatchObj parse(NativeApi.Caller c, ModelCatalog.Model m, JsonObject body, boolean embed) {
        if (!(body.getValue("batch") instanceof JsonObject batch)) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("* BatchGenerateContentRequest.batch: batch is "
                    + "not specified\n"));
        }
        JsonObject input = batch.getJsonObject("inputConfig", batch.getJsonObject("input_config"));
        if (input == null) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("* BatchGenerateContentRequest.batch.input_config:"
                    + " input_config is not specified\n"));
        }
        ProjectObjects.BatchObj b = new ProjectObjects.BatchObj(c.project(), objects.newId(36), state.now());
        b.model = m.name();
        b.embed = embed;
        b.displayName = batch.getString("displayName", batch.getString("display_name"));
        b.pollsLeft = state.objectSettings().batchPolls();
        String fileName = input.getString("fileName", input.getString("file_name"));
        List<JsonObject> items = new ArrayList<>();
        if (fileName != null) {
            String fileId = SimState.stripPrefix(fileName, "files/");
            ProjectObjects.FileObj f = state.file(c.project(), fileId);
            if (f == null) {
                throw new Generation.Invalid(GoogleErrors.filePermissionDenied(fileId));
            }
            byte[] bytes = FilesApi.bytes(f);
            if (bytes == null) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("The input file files/" + fileId
                        + " is not a JSONL file of requests."));
            }
            b.inputFile = "files/" + fileId;
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                JsonObject line;
                try {
                    line = Generation.parseObject(lines[i]);
                } catch (Generation.Invalid e) {
                    throw new Generation.Invalid(GoogleErrors.invalidArgument("Line " + (i + 1) + " of files/" + fileId
                            + " is not valid JSON."));
                }
                JsonObject request = line.getValue("request") instanceof JsonObject r ? r : line;
                JsonObject item = new JsonObject().put("request", request);
                if (line.getValue("key") != null) {
                    item.put("key", String.valueOf(line.getValue("key")));
                }
                items.add(item);
            }
        } else {
            JsonObject requests = input.getJsonObject("requests");
            if (requests == null || !(requests.getValue("requests") instanceof JsonArray list) || list.isEmpty()) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("* BatchGenerateContentRequest.batch."
                        + "input_config: requests or file_name must be specified\n"));
            }
            for (Object o : list) {
                if (!(o instanceof JsonObject item) || !(item.getValue("request") instanceof JsonObject)) {
                    throw new Generation.Invalid(GoogleErrors.invalidArgument("* BatchGenerateContentRequest.batch."
                            + "input_config.requests.requests: each item needs a request\n"));
                }
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("The batch has no requests."));
        }
        long tokens = 0;
        for (JsonObject item : items) {
            JsonObject request = item.getJsonObject("request");
            if (embed) {
                NativeApi.vector(m, request, "");
                tokens += ContentGen.tokens(NativeApi.embedText(request));
            } else {
                JsonObject r = request.copy();
                r.remove("model");
                Generation.Request parsed = Generation.nativeRequest(m, r);
                GoogleErrors.GoogleError foreign = natives.foreignFiles(c, parsed.fileIds());
                if (foreign != null) {
                    throw new Generation.Invalid(foreign);
                }
                tokens += parsed.promptTokens();
            }
        }
        b.requests = items;
        b.enqueuedTokens = tokens;
        b.stats = stats(items.size(), 0, 0);
        return b;
    }

    private static JsonObject stats(int total, int ok, int failed) {
        JsonObject s = new JsonObject().put("requestCount", Integer.toString(total));
        if (ok + failed < total) {
            s.put("pendingRequestCount", Integer.toString(total - ok - failed));
        }
        if (ok > 0) {
            s.put("successfulRequestCount", Integer.toString(ok));
        }
        if (failed > 0) {
            s.put("failedRequestCount", Integer.toString(failed));
        }
        return s;
    }

    // ------------------------------------------------------------------ resource

    /** The batch as Google answers it: an Operation whose metadata is the batch [PY-batches 327-378]. */
    JsonObject operation(RoutingContext ctx, ProjectObjects.BatchObj b) {
        return objects.locked(() -> {
            JsonObject meta = new JsonObject()
                    .put("@type", TYPE + (b.embed ? "EmbedContentBatch" : "GenerateContentBatch"))
                    .put("model", "models/" + b.model);
            if (b.displayName != null) {
                meta.put("displayName", b.displayName);
            }
            if (b.inputFile != null) {
                meta.put("inputConfig", new JsonObject().put("fileName", b.inputFile));
            }
            if (b.output != null) {
                meta.put("output", b.output);
            }
            meta.put("createTime", Resources.time(b.created)).put("updateTime", Resources.time(b.updated));
            if (b.ended != null) {
                meta.put("endTime", Resources.time(b.ended));
            }
            meta.put("batchStats", b.stats).put("state", b.state).put("name", "batches/" + b.id);
            JsonObject op = new JsonObject().put("name", "batches/" + b.id).put("metadata", meta);
            if (!b.active()) {
                op.put("done", true);
                if (b.output != null) {
                    JsonObject response = new JsonObject().put("@type", TYPE
                            + (b.embed ? "AsyncBatchEmbedContentResponse" : "GenerateContentBatchOutput"));
                    b.output.forEach(e -> response.put(e.getKey(), e.getValue()));
                    op.put("response", response);
                }
            }
            return op;
        });
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs the batch's requests and stores the results: each request as its own generateContent (or embedContent),
     * without the online buckets. Requests that fail validation become an error entry. {@code outcome} is the end
     * state (SUCCEEDED, FAILED, EXPIRED); only SUCCEEDED has output.
     */
    void finish(RoutingContext ctx, ProjectObjects.BatchObj b, String outcome) {
        ModelCatalog.Model m = state.findModel(b.model);
        List<JsonObject> results = new ArrayList<>();
        int ok = 0;
        int failed = 0;
        if ("BATCH_STATE_SUCCEEDED".equals(outcome)) {
            for (JsonObject item : b.requests) {
                JsonObject result = new JsonObject();
                if (item.getValue("key") != null) {
                    result.put("key", item.getString("key"));
                }
                try {
                    result.put("response", run(m, b.embed, item.getJsonObject("request")));
                    ok++;
                } catch (Generation.Invalid e) {
                    JsonObject err = e.error.error();
                    result.put("error", new JsonObject().put("code", codeNumber(err.getString("status")))
                            .put("message", err.getString("message")));
                    failed++;
                } catch (RuntimeException e) {
                    result.put("error", new JsonObject().put("code", 13).put("message", "Internal error."));
                    failed++;
                }
                if (item.getValue("metadata") != null) {
                    result.put("metadata", item.getValue("metadata"));
                }
                results.add(result);
            }
        }
        JsonObject output = null;
        if ("BATCH_STATE_SUCCEEDED".equals(outcome)) {
            if (b.inputFile != null) {
                StringBuilder jsonl = new StringBuilder();
                results.forEach(r -> jsonl.append(r.encode()).append('\n'));
                ProjectObjects.FileObj f = files.generated(b.project, "batch-" + b.id, "application/jsonl",
                        jsonl.toString().getBytes(StandardCharsets.UTF_8));
                output = new JsonObject().put("responsesFile", "files/" + f.id);
            } else {
                JsonArray inline = new JsonArray();
                results.forEach(inline::add);
                output = new JsonObject().put(b.embed ? "inlinedEmbedContentResponses" : "inlinedResponses",
                        new JsonObject().put("inlinedResponses", inline));
            }
        }
        JsonObject out = output;
        int okCount = ok;
        int failedCount = failed;
        objects.locked(() -> {
            b.state = outcome;
            b.ended = state.now();
            b.updated = b.ended;
            b.output = out;
            b.stats = "BATCH_STATE_SUCCEEDED".equals(outcome) ? stats(b.requests.size(), okCount, failedCount)
                    : stats(b.requests.size(), 0, 0);
            if (!"BATCH_STATE_SUCCEEDED".equals(outcome)) {
                b.stats.remove("pendingRequestCount");
            }
            return null;
        });
    }

    private static int codeNumber(String status) {
        return switch (status == null ? "" : status) {
            case "INVALID_ARGUMENT" -> 3;
            case "NOT_FOUND" -> 5;
            case "PERMISSION_DENIED" -> 7;
            case "FAILED_PRECONDITION" -> 9;
            default -> 13;
        };
    }

    private JsonObject run(ModelCatalog.Model m, boolean embed, JsonObject request) {
        if (m == null) {
            throw new Generation.Invalid(GoogleErrors.notFound("The model of this batch is no longer served."));
        }
        if (embed) {
            return new JsonObject().put("embedding", new JsonObject()
                    .put("values", NativeApi.floats(NativeApi.vector(m, request, ""))));
        }
        JsonObject r = request.copy();
        r.remove("model");
        Generation.Request req = Generation.nativeRequest(m, r);
        Generation.Result res = Generation.run(m, req);
        String id = ContentGen.responseId(seq.incrementAndGet(), req.wholePrompt());
        return Generation.response(m.name(), id, Generation.allParts(res), Generation.usage(res, res.candidatesTokens()),
                res.finishReason());
    }

    /** Finishes a batch now (admin hook), whatever its polls; false when it is not active or unknown. */
    boolean finishNow(String id, String outcome) {
        ProjectObjects.BatchObj b = findAnywhere(id);
        if (b == null || !b.active()) {
            return false;
        }
        finish(null, b, outcome);
        return true;
    }

    ProjectObjects.BatchObj findAnywhere(String id) {
        return objects.findAnywhere(ProjectObjects.Kind.BATCH, SimState.stripPrefix(id, "batches/"));
    }

    /** One poll: a pending batch starts running; after its polls it is done. */
    void poll(RoutingContext ctx, ProjectObjects.BatchObj b) {
        boolean finish = objects.locked(() -> {
            if (!b.active()) {
                return false;
            }
            b.pollsLeft--;
            if (b.pollsLeft <= 0) {
                return true;
            }
            if (!b.state.equals("BATCH_STATE_RUNNING")) {
                b.state = "BATCH_STATE_RUNNING";
                b.updated = state.now();
            }
            return false;
        });
        if (finish) {
            finish(ctx, b, "BATCH_STATE_SUCCEEDED");
        }
    }

    // ------------------------------------------------------------------ batches/{id}

    void handle(RoutingContext ctx, String rest) {
        String tail = rest.replace("%3A", ":").replace("%3a", ":");
        if (ObjectCalls.collection(ctx, tail, null, () -> list(ctx))) {
            return;
        }
        HttpMethod method = ctx.request().method();
        boolean cancel = tail.endsWith(":cancel");
        String id = cancel ? tail.substring(0, tail.length() - ":cancel".length()) : tail;
        if (id.isEmpty() || id.contains("/") || id.contains(":")) {
            ObjectCalls.methodNotFound(ctx);
            return;
        }
        String rpc;
        if (cancel && method == HttpMethod.POST) {
            rpc = "CancelBatch";
        } else if (!cancel && method == HttpMethod.GET) {
            rpc = "GetBatch";
        } else if (!cancel && method == HttpMethod.DELETE) {
            rpc = "DeleteBatch";
        } else {
            ObjectCalls.methodNotFound(ctx);
            return;
        }
        NativeApi.Caller c = calls.auth(ctx, rpc);
        if (c == null) {
            return;
        }
        ProjectObjects.BatchObj b = calls.owned(ctx, c, ProjectObjects.Kind.BATCH, id, () -> denied(id));
        if (b == null) {
            return;
        }
        switch (rpc) {
            case "GetBatch" -> {
                poll(ctx, b);
                calls.ok(ctx, c, operation(ctx, b));
            }
            case "CancelBatch" -> {
                boolean cancelled = objects.locked(() -> {
                    if (!b.active()) {
                        return false;
                    }
                    b.state = "BATCH_STATE_CANCELLED";
                    b.ended = state.now();
                    b.updated = b.ended;
                    b.stats.remove("pendingRequestCount");
                    return true;
                });
                if (cancelled) {
                    calls.ok(ctx, c, new JsonObject());
                } else {
                    calls.refuse(ctx, c, GoogleErrors.of(400, "FAILED_PRECONDITION", "Batch batches/" + id
                            + " is already in a final state (" + b.state + ")."));
                }
            }
            default -> {
                objects.remove(ProjectObjects.Kind.BATCH, c.project(), id);
                calls.ok(ctx, c, new JsonObject());
            }
        }
    }

    /** batches.list: {"operations":[…],"nextPageToken"}, newest first, pageSize default 10, maximum 100; none = {}. */
    private void list(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "ListBatches");
        if (c == null) {
            return;
        }
        List<ProjectObjects.BatchObj> all = objects.list(ProjectObjects.Kind.BATCH, c.project(),
                Comparator.comparing((ProjectObjects.BatchObj x) -> x.created).reversed().thenComparing(x -> x.id),
                null);
        calls.page(ctx, c, all, "batches", 10, 100, "operations", x -> operation(ctx, x));
    }

    Vertx vertx() {
        return vertx;
    }
}
