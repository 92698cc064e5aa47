package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.geminipool.simulator.Retirement;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google's native REST surface: {@code /v1beta/models…} (and {@code /v1/models…}), per ai.google.dev/api.
 */
final class NativeApi {

    private final Vertx vertx;
    private final SimState state;
    private final AtomicLong seq;

    NativeApi(Vertx vertx, SimState state, AtomicLong seq) {
        this.vertx = vertx;
        this.state = state;
        this.seq = seq;
    }

    private BatchesApi batches;
    private OperationsApi operations;

    /** The object APIs reached through {@code /v1beta/models/{m}:…} and {@code models/{m}/operations/…}. */
    void objectApis(BatchesApi batches, OperationsApi operations) {
        this.batches = batches;
        this.operations = operations;
    }

    /** Authenticated caller, or null when an error has been answered. */
    record Caller(String apiKey, String project) {
    }

    /**
     * Key from {@code x-goog-api-key} (what the SDKs send) or {@code ?key=} (what the docs show). Google checks the
     * caller before anything else, so a bad key wins over a bad model or body. Order: an unsupported location (the
     * caller's egress, any key), no key, the key's state, then the project's denial. {@code rpcMethod} is the RPC the
     * route stands for ({@code google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent}); the 401 and
     * the service-blocked 403 name it.
     */
    Caller authenticate(RoutingContext ctx, String apiKey, boolean arrayWrapped, String rpcMethod) {
        if (state.locationUnsupported()) {
            if (apiKey != null) {
                state.count(apiKey, null, null, false);
            }
            Http.googleError(ctx, GoogleErrors.locationUnsupported(), arrayWrapped);
            return null;
        }
        if (apiKey == null) {
            Http.googleError(ctx, GoogleErrors.missingKey(), arrayWrapped);
            return null;
        }
        SimState.KeyEntry k = state.key(apiKey);
        GoogleErrors.GoogleError refusal = switch (k.status()) {
            case VALID -> state.projectDenied(k.project()) ? GoogleErrors.projectDenied() : null;
            case INVALID -> GoogleErrors.apiKeyInvalid();
            case NOT_FOUND -> GoogleErrors.apiKeyNotFound();
            case EXPIRED -> GoogleErrors.apiKeyExpired();
            case SUSPENDED -> GoogleErrors.suspended(apiKey, k.project());
            case LEAKED -> GoogleErrors.leaked();
            case SERVICE_BLOCKED -> GoogleErrors.serviceBlocked(k.project(), rpcMethod);
            case TOKEN_TYPE_UNSUPPORTED -> GoogleErrors.tokenTypeUnsupported(rpcMethod);
        };
        if (refusal != null) {
            state.count(apiKey, null, null, false);
            Http.googleError(ctx, refusal, arrayWrapped);
            return null;
        }
        return new Caller(apiKey, k.project());
    }

    /** The RPC method name Google reports for a native route ({@code v1beta} or {@code v1}). */
    static String rpc(String apiVersion, String service, String method) {
        return "google.ai.generativelanguage." + apiVersion + "." + service + "." + method;
    }

    static String generativeRpc(String apiVersion, String op) {
        return rpc(apiVersion, "GenerativeService", Character.toUpperCase(op.charAt(0)) + op.substring(1));
    }

    static String nativeKey(RoutingContext ctx) {
        String h = Http.nonBlank(ctx.request().getHeader("x-goog-api-key"));
        return h != null ? h : Http.nonBlank(ctx.request().getParam("key"));
    }

    /** Entry for every path under /v1beta/models and /v1/models. */
    void handle(RoutingContext ctx, String apiVersion, String rest) {
        Http.afterLatency(vertx, state, () -> dispatch(ctx, apiVersion, rest));
    }

    private void dispatch(RoutingContext ctx, String apiVersion, String rest) {
        HttpMethod method = ctx.request().method();
        String alt = ctx.request().getParam("alt");
        if (rest.isEmpty() || rest.equals("/")) {
            if (method != HttpMethod.GET) {
                Http.googleError(ctx, GoogleErrors.notFound("Method not found."), false);
                return;
            }
            list(ctx, apiVersion);
            return;
        }
        String tail = rest.substring(1).replace("%3A", ":").replace("%3a", ":");
        if (tail.contains("/operations/") && method == HttpMethod.GET) {
            operations.get(ctx, "models/" + tail);
            return;
        }
        int colon = tail.lastIndexOf(':');
        if (colon < 0) {
            if (method != HttpMethod.GET) {
                Http.googleError(ctx, GoogleErrors.notFound("Method not found."), false);
                return;
            }
            get(ctx, apiVersion, tail);
            return;
        }
        String model = tail.substring(0, colon);
        String op = tail.substring(colon + 1);
        if (method != HttpMethod.POST) {
            Http.googleError(ctx, GoogleErrors.notFound("Method not found."), false);
            return;
        }
        switch (op) {
            case "generateContent" -> generate(ctx, apiVersion, model, false, null);
            case "streamGenerateContent" -> generate(ctx, apiVersion, model, true, alt);
            case "countTokens" -> countTokens(ctx, apiVersion, model);
            case "embedContent" -> embed(ctx, apiVersion, model, false);
            case "batchEmbedContents" -> embed(ctx, apiVersion, model, true);
            case "batchGenerateContent" -> batches.create(ctx, apiVersion, model, false);
            case "asyncBatchEmbedContent" -> batches.create(ctx, apiVersion, model, true);
            case "predictLongRunning" -> operations.predictLongRunning(ctx, apiVersion, model);
            default -> Http.googleError(ctx, GoogleErrors.notFound("Method not found."), false);
        }
    }

    // ------------------------------------------------------------------ models

    /** models.list: pageSize default 50, max 1000; nextPageToken omitted on the last page. */
    private void list(RoutingContext ctx, String apiVersion) {
        Caller c = authenticate(ctx, nativeKey(ctx), false, rpc(apiVersion, "ModelService", "ListModels"));
        if (c == null) {
            return;
        }
        int pageSize = 50;
        String ps = ctx.request().getParam("pageSize");
        if (ps != null) {
            try {
                pageSize = Integer.parseInt(ps.trim());
            } catch (NumberFormatException e) {
                state.count(c.apiKey(), null, null, false);
                Http.googleError(ctx, GoogleErrors.badRequestField("page_size",
                        "Invalid value at 'page_size' (TYPE_INT32), \"" + ps + "\""), false);
                return;
            }
        }
        if (pageSize <= 0) {
            pageSize = 50;
        }
        pageSize = Math.min(pageSize, 1000);
        int offset = 0;
        String token = Http.nonBlank(ctx.request().getParam("pageToken"));
        List<ModelCatalog.Model> all = state.models();
        if (token != null) {
            offset = decodeToken(token);
            if (offset < 0 || offset > all.size()) {
                state.count(c.apiKey(), null, null, false);
                Http.googleError(ctx, GoogleErrors.invalidArgument("Invalid page token."), false);
                return;
            }
        }
        JsonArray models = new JsonArray();
        int end = Math.min(all.size(), offset + pageSize);
        for (int i = offset; i < end; i++) {
            models.add(all.get(i).toJson());
        }
        JsonObject body = new JsonObject().put("models", models);
        if (end < all.size()) {
            body.put("nextPageToken", encodeToken(end));
        }
        state.count(c.apiKey(), null, null, true);
        Http.send(ctx, 200, Http.JSON_UTF8, GoogleJson.pretty(body) + "\n");
    }

    static String encodeToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("sim-models:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    static int decodeToken(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!s.startsWith("sim-models:")) {
                return -1;
            }
            return Integer.parseInt(s.substring("sim-models:".length()));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** models.get: a listed model, or an alias's own resource (which does not reveal the target, §1.2). */
    private void get(RoutingContext ctx, String apiVersion, String name) {
        Caller c = authenticate(ctx, nativeKey(ctx), false, rpc(apiVersion, "ModelService", "GetModel"));
        if (c == null) {
            return;
        }
        ModelCatalog.Model m = state.listedModel(ModelCatalog.bare(name));
        if (m == null) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, GoogleErrors.modelNotFound(ModelCatalog.bare(name), apiVersion, "get"), false);
            return;
        }
        state.count(c.apiKey(), null, null, true);
        Http.send(ctx, 200, Http.JSON_UTF8, GoogleJson.pretty(m.toJson()) + "\n");
    }

    /**
     * Model lookup for a :method call, for the caller's project: auto-routes and aliases followed, retired IDs answered
     * as Google does (§1.3). Answers the 404 (counted as refused for the key) and returns null when nothing serves.
     */
    ModelCatalog.Model model(RoutingContext ctx, Caller c, String apiVersion, String name, String method,
                             boolean arrayWrapped) {
        String bare = ModelCatalog.bare(name);
        Catalog.Lookup found = state.lookup(bare, c.project());
        ModelCatalog.Model m = found.model();
        GoogleErrors.GoogleError error = null;
        if (found.gone() == Retirement.SHUTDOWN) {
            error = GoogleErrors.modelGone(bare);
        } else if (found.gone() == Retirement.CLOSED_TO_NEW) {
            error = GoogleErrors.modelGoneForNewUsers(bare);
        } else if (m == null || !m.supports(method)) {
            error = GoogleErrors.modelNotFound(bare, apiVersion, method);
        }
        if (error != null) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, error, arrayWrapped);
            return null;
        }
        return m;
    }

    // ------------------------------------------------------------------ generateContent / streamGenerateContent

    private void generate(RoutingContext ctx, String apiVersion, String modelName, boolean stream, String alt) {
        boolean sse = stream && "sse".equalsIgnoreCase(alt);
        boolean arrayWrapped = stream && !sse;
        Caller c = authenticate(ctx, nativeKey(ctx), arrayWrapped,
                generativeRpc(apiVersion, stream ? "streamGenerateContent" : "generateContent"));
        if (c == null) {
            return;
        }
        ModelCatalog.Model m = model(ctx, c, apiVersion, modelName,
                stream ? "streamGenerateContent" : "generateContent", arrayWrapped);
        if (m == null) {
            return;
        }
        Generation.Request req;
        try {
            req = Generation.nativeRequest(m, Generation.parseObject(ctx.body().asString()));
        } catch (Generation.Invalid e) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, e.error, arrayWrapped);
            return;
        }
        GoogleErrors.GoogleError foreign = foreignObject(c, req);
        if (foreign != null) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, foreign, arrayWrapped);
            return;
        }
        ProjectObjects.CacheObj cache = req.cachedContent() == null ? null : state.cachedContent(c.project(),
                req.cachedContent());
        if (cache != null && cache.model != null && !cache.model.equals(m.name())) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, GoogleErrors.invalidArgument("Model used by GenerateContent request (models/"
                    + m.name() + ") and CachedContent (models/" + cache.model + ") has to be the same."), arrayWrapped);
            return;
        }
        int cacheTokens = cache == null ? 0 : cache.tokens;
        SimState.Decision d = state.admit(c.project(), m, 1, req.promptTokens() + cacheTokens, false, stream);
        if (!refuse(ctx, c, m, d, arrayWrapped)) {
            return;
        }
        Generation.Result r = Generation.run(m, req);
        String id = ContentGen.responseId(seq.incrementAndGet(), req.wholePrompt());
        int cached = cacheTokens;
        if (!stream) {
            JsonObject body = Generation.response(m.name(), id, Generation.allParts(r),
                    withCache(Generation.usage(r, r.candidatesTokens()), cached), r.finishReason());
            Http.send(ctx, 200, Http.JSON_UTF8, GoogleJson.pretty(body) + "\n");
            return;
        }
        List<JsonObject> chunks = Generation.streamChunks(m.name(), id, r);
        if (cached > 0) {
            chunks.forEach(ch -> ch.put("usageMetadata", withCache(ch.getJsonObject("usageMetadata"), cached)));
        }
        long gap = Http.ms(state.latencyPerChunk());
        List<Http.Frame> frames = new ArrayList<>();
        int keep = d.midStreamFailure() ? Math.max(1, (chunks.size() + 1) / 2) : chunks.size();
        if (d.midStreamFailure() && chunks.size() > 1 && keep >= chunks.size()) {
            keep = chunks.size() - 1;
        }
        for (int i = 0; i < keep; i++) {
            JsonObject chunk = chunks.get(i);
            String data = sse
                    ? "data: " + chunk.encode() + "\r\n\r\n"
                    : (i == 0 ? "[" : "\n,\r\n") + GoogleJson.pretty(chunk);
            frames.add(new Http.Frame(data, i == 0 ? 0 : gap));
        }
        if (d.midStreamFailure()) {
            // After status 200 Google writes the error as a raw JSON object into the body (reference doc,
            // "Mid-stream failure"); js-genai parses each network read as JSON to find it, so it goes out on its own,
            // after a short pause that keeps it from sharing a read with the previous event.
            String err = GoogleJson.pretty(GoogleErrors.unavailable().body());
            frames.add(new Http.Frame(sse ? err + "\n" : "\n,\r\n" + err + "\n]", Math.max(gap, 200)));
        } else if (!sse) {
            frames.add(new Http.Frame("\n]", 0));
        }
        HttpServerResponse resp = ctx.response();
        resp.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", sse ? "text/event-stream" : Http.JSON_UTF8)
                .putHeader("X-Content-Type-Options", "nosniff");
        if (sse) {
            resp.putHeader("Content-Disposition", "attachment");
        }
        Http.writeFrames(vertx, resp, frames, 0);
    }

    /**
     * Files and caches are project-scoped (§4, §5): a {@code fileData.fileUri} naming a Files API object, or a
     * {@code cachedContent}, that the caller's project does not own answers 403. Null when the request may go on.
     */
    GoogleErrors.GoogleError foreignObject(Caller c, Generation.Request req) {
        GoogleErrors.GoogleError files = foreignFiles(c, req.fileIds());
        if (files != null) {
            return files;
        }
        if (req.cachedContent() != null && !state.cachedContentKnown(c.project(), req.cachedContent())) {
            return GoogleErrors.cachedContentDenied();
        }
        return null;
    }

    /**
     * The first file id the caller's project does not own (403, same text for deleted and expired files), or that is
     * not ACTIVE yet (400 FAILED_PRECONDITION); null when all may be used.
     */
    GoogleErrors.GoogleError foreignFiles(Caller c, List<String> fileIds) {
        for (String fileId : fileIds) {
            ProjectObjects.FileObj f = state.file(c.project(), fileId);
            if (f == null) {
                return GoogleErrors.filePermissionDenied(fileId);
            }
            if (!"ACTIVE".equals(f.state)) {
                return GoogleErrors.fileNotActive(fileId);
            }
        }
        return null;
    }

    /**
     * A cache's tokens in usageMetadata [C-cache]: they are part of {@code promptTokenCount} and of the total, and
     * named in {@code cachedContentTokenCount} and {@code cacheTokensDetails}.
     */
    static JsonObject withCache(JsonObject usage, int cacheTokens) {
        if (cacheTokens <= 0) {
            return usage;
        }
        JsonObject u = new JsonObject();
        for (String f : usage.fieldNames()) {
            Object v = usage.getValue(f);
            switch (f) {
                case "promptTokenCount", "totalTokenCount" -> u.put(f, ((Number) v).intValue() + cacheTokens);
                case "promptTokensDetails" -> {
                    JsonArray details = ((JsonArray) v).copy();
                    if (!details.isEmpty()) {
                        JsonObject first = details.getJsonObject(0);
                        first.put("tokenCount", first.getInteger("tokenCount") + cacheTokens);
                    }
                    u.put(f, details);
                    u.put("cacheTokensDetails", new JsonArray().add(new JsonObject().put("modality", "TEXT")
                            .put("tokenCount", cacheTokens)));
                }
                default -> u.put(f, v);
            }
            if (f.equals("totalTokenCount")) {
                u.put("cachedContentTokenCount", cacheTokens);
            }
        }
        return u;
    }

    /** Answers a prepay, quota or injected refusal; returns true when the request may proceed. */
    boolean refuse(RoutingContext ctx, Caller c, ModelCatalog.Model m, SimState.Decision d, boolean arrayWrapped) {
        String quotaModel = state.quotaModel(m);
        GoogleErrors.GoogleError error = null;
        if (d.prepayDepleted()) {
            error = GoogleErrors.prepayDepleted();
        } else if (d.quotaRefused()) {
            error = GoogleErrors.quotaExceeded(d.violations(), d.retrySeconds());
        } else if (d.injectedStatus() != 0) {
            error = GoogleErrors.injected(d.injectedStatus(), d.injectedText());
        }
        state.count(c.apiKey(), c.project(), quotaModel, error == null);
        if (error != null) {
            Http.googleError(ctx, error, arrayWrapped);
            return false;
        }
        return true;
    }

    // ------------------------------------------------------------------ countTokens

    /** countTokens costs no generation quota; body is {"contents":[…]} or {"generateContentRequest":{…}}. */
    private void countTokens(RoutingContext ctx, String apiVersion, String modelName) {
        Caller c = authenticate(ctx, nativeKey(ctx), false, generativeRpc(apiVersion, "countTokens"));
        if (c == null) {
            return;
        }
        ModelCatalog.Model m = model(ctx, c, apiVersion, modelName, "countTokens", false);
        if (m == null) {
            return;
        }
        try {
            JsonObject body = Generation.parseObject(ctx.body().asString());
            JsonObject gcr = body.getJsonObject("generateContentRequest", body.getJsonObject("generate_content_request"));
            JsonObject inner;
            if (gcr != null) {
                inner = gcr.copy();
                inner.remove("model");
            } else {
                inner = new JsonObject();
                if (body.containsKey("contents")) {
                    inner.put("contents", body.getValue("contents"));
                }
                for (String f : body.fieldNames()) {
                    if (!f.equals("contents")) {
                        throw new Generation.Invalid(GoogleErrors.badRequestField(null,
                                "Invalid JSON payload received. Unknown name \"" + f + "\": Cannot find field."));
                    }
                }
            }
            Generation.Request req = Generation.nativeRequest(m.kind() == ModelCatalog.Kind.TEXT
                    ? m : ModelCatalog.generic("count-tokens"), inner);
            state.count(c.apiKey(), null, null, true);
            JsonObject out = new JsonObject().put("totalTokens", req.promptTokens()).put("promptTokensDetails",
                    new JsonArray().add(new JsonObject().put("modality", "TEXT").put("tokenCount", req.promptTokens())));
            Http.send(ctx, 200, Http.JSON_UTF8, GoogleJson.pretty(out) + "\n");
        } catch (Generation.Invalid e) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, e.error, false);
        }
    }

    // ------------------------------------------------------------------ embedContent / batchEmbedContents

    private void embed(RoutingContext ctx, String apiVersion, String modelName, boolean batch) {
        Caller c = authenticate(ctx, nativeKey(ctx), false,
                generativeRpc(apiVersion, batch ? "batchEmbedContents" : "embedContent"));
        if (c == null) {
            return;
        }
        ModelCatalog.Model m = model(ctx, c, apiVersion, modelName, batch ? "batchEmbedContents" : "embedContent", false);
        if (m == null) {
            return;
        }
        List<float[]> vectors = new ArrayList<>();
        long tokens = 0;
        try {
            JsonObject body = Generation.parseObject(ctx.body().asString());
            List<JsonObject> requests = new ArrayList<>();
            if (batch) {
                if (!(body.getValue("requests") instanceof JsonArray reqs) || reqs.isEmpty()) {
                    throw new Generation.Invalid(GoogleErrors.invalidArgument(
                            "* BatchEmbedContentsRequest.requests: requests is not specified\n"));
                }
                for (int i = 0; i < reqs.size(); i++) {
                    if (!(reqs.getValue(i) instanceof JsonObject r)) {
                        throw new Generation.Invalid(GoogleErrors.malformedJson());
                    }
                    String rm = r.getString("model");
                    if (rm != null && !ModelCatalog.bare(rm).equals(m.name())) {
                        throw new Generation.Invalid(GoogleErrors.invalidArgument("* BatchEmbedContentsRequest.requests["
                                + i + "].model: Model names should start with `models/` and match the model in the URL.\n"));
                    }
                    requests.add(r);
                }
            } else {
                requests.add(body);
            }
            for (int i = 0; i < requests.size(); i++) {
                vectors.add(vector(m, requests.get(i), batch ? "requests[" + i + "]." : ""));
                tokens += ContentGen.tokens(embedText(requests.get(i)));
            }
        } catch (Generation.Invalid e) {
            state.count(c.apiKey(), null, null, false);
            Http.googleError(ctx, e.error, false);
            return;
        }
        int units = batch && state.batchEmbedCountsPerItem() ? vectors.size() : 1;
        SimState.Decision d = state.admit(c.project(), m, units, tokens, true, false);
        if (!refuse(ctx, c, m, d, false)) {
            return;
        }
        JsonObject out;
        if (batch) {
            JsonArray embs = new JsonArray();
            vectors.forEach(v -> embs.add(new JsonObject().put("values", floats(v))));
            out = new JsonObject().put("embeddings", embs);
        } else {
            out = new JsonObject().put("embedding", new JsonObject().put("values", floats(vectors.get(0))));
        }
        Http.send(ctx, 200, Http.JSON_UTF8, GoogleJson.pretty(out) + "\n");
    }

    static JsonArray floats(float[] v) {
        JsonArray a = new JsonArray(new ArrayList<>(v.length));
        for (float f : v) {
            a.add(f);
        }
        return a;
    }

    static float[] vector(ModelCatalog.Model m, JsonObject r, String where) {
        if (!(r.getValue("content") instanceof JsonObject content)
                || !(content.getValue("parts") instanceof JsonArray parts) || parts.isEmpty()) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("* EmbedContentRequest." + where
                    + "content: content is not specified\n"));
        }
        String text = embedText(r);
        if (text.isEmpty()) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("* EmbedContentRequest." + where
                    + "content.parts: Text content is empty.\n"));
        }
        Integer dims = r.getInteger("outputDimensionality", r.getInteger("output_dimensionality"));
        int full = m.embeddingDims();
        if (dims == null) {
            dims = full;
        }
        if (dims < 1 || dims > full) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("* EmbedContentRequest." + where
                    + "output_dimensionality: Output dimensionality must be between 1 and " + full + ".\n"));
        }
        return ContentGen.embedding(m.name(), text, r.getString("taskType", r.getString("task_type")), full, dims);
    }

    /** The text parts of one EmbedContentRequest, joined; empty when there are none. */
    static String embedText(JsonObject r) {
        StringBuilder text = new StringBuilder();
        if (r.getValue("content") instanceof JsonObject content && content.getValue("parts") instanceof JsonArray parts) {
            for (Object p : parts) {
                if (p instanceof JsonObject po && po.getValue("text") instanceof String t) {
                    text.append(t);
                }
            }
        }
        return text.toString();
    }
}
