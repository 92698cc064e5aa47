package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.simulator.ProjectTier;
import org.geminipool.simulator.Retirement;
import org.geminipool.simulator.UnavailableText;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/** The {@code /_sim/} admin API: JSON mirrors of the Java API, for out-of-process drivers. See README.md. */
final class AdminApi {

    private final SimState state;
    private final BatchesApi batches;
    private final OperationsApi operations;
    private final InteractionsApi interactions;

    AdminApi(SimState state, BatchesApi batches, OperationsApi operations, InteractionsApi interactions) {
        this.state = state;
        this.batches = batches;
        this.operations = operations;
        this.interactions = interactions;
    }

    /** The project objects per kind and project (every kind, or one project's). */
    private JsonObject objectsJson(String project) {
        JsonObject out = new JsonObject();
        state.objects().summary().forEach((kind, byProject) -> {
            if (project == null) {
                JsonObject p = new JsonObject();
                byProject.forEach((name, ids) -> p.put(name, new JsonArray(new java.util.ArrayList<>(ids))));
                out.put(kind, p);
            } else {
                out.put(kind, new JsonArray(new java.util.ArrayList<>(byProject.getOrDefault(project, java.util.List.of()))));
            }
        });
        return out;
    }

    private JsonObject objectSettingsJson() {
        ObjectSettings s = state.objectSettings();
        return new JsonObject().put("batchPolls", s.batchPolls()).put("operationPolls", s.operationPolls())
                .put("interactionPolls", s.interactionPolls()).put("videoFilePolls", s.videoFilePolls())
                .put("batchConcurrent", s.batchConcurrentLimit()).put("batchEnqueuedTokens", s.batchEnqueuedTokenLimit())
                .put("cacheMinTokens", s.cacheMinTokens()).put("keepBytesUpTo", s.keepBytesUpTo())
                .put("liveSessions", s.liveSessions()).put("liveGoAwayAfterMs", s.liveGoAwayAfterMs())
                .put("liveGoAwayNoticeMs", s.liveGoAwayNoticeMs());
    }

    private void objectSettings(JsonObject b) {
        ObjectSettings s = state.objectSettings();
        for (String f : b.fieldNames()) {
            if (!(b.getValue(f) instanceof Number n)) {
                throw new IllegalArgumentException(f + " must be a number");
            }
            switch (f) {
                case "batchPolls" -> s.setBatchPolls(n.intValue());
                case "operationPolls" -> s.setOperationPolls(n.intValue());
                case "interactionPolls" -> s.setInteractionPolls(n.intValue());
                case "videoFilePolls" -> s.setVideoFilePolls(n.intValue());
                case "batchConcurrent" -> s.setBatchLimits(n.intValue(), s.batchEnqueuedTokenLimit());
                case "batchEnqueuedTokens" -> s.setBatchLimits(s.batchConcurrentLimit(), n.longValue());
                case "cacheMinTokens" -> s.setCacheMinTokens(n.intValue());
                case "keepBytesUpTo" -> s.setKeepBytesUpTo(n.longValue());
                case "liveSessions" -> s.setLive(n.intValue(), s.liveGoAwayAfterMs(), s.liveGoAwayNoticeMs());
                case "liveGoAwayAfterMs" -> s.setLive(s.liveSessions(), n.longValue(), s.liveGoAwayNoticeMs());
                case "liveGoAwayNoticeMs" -> s.setLive(s.liveSessions(), s.liveGoAwayAfterMs(), n.longValue());
                default -> throw new IllegalArgumentException("unknown setting " + f);
            }
        }
    }

    private JsonObject recordsJson() {
        JsonArray a = new JsonArray();
        for (SimState.RequestRecord r : state.requestRecords()) {
            JsonObject o = new JsonObject().put("line", r.line).put("project", r.project()).put("key", r.keyMask)
                    .put("status", r.status()).put("headers", new JsonArray(new java.util.ArrayList<Object>(r.headers)));
            a.add(o);
        }
        return new JsonObject().put("requests", a);
    }

    void mount(Router r) {
        r.get("/_sim/health").handler(ctx -> ok(ctx, new JsonObject().put("status", "UP")));
        r.get("/_sim/state").handler(ctx -> ok(ctx, stateJson()));
        r.post("/_sim/keys").handler(ctx -> run(ctx, b -> {
            if (b.getValue("keys") instanceof JsonArray arr) {
                for (Object o : arr) {
                    addKey((JsonObject) o);
                }
            } else {
                addKey(b);
            }
        }));
        r.post("/_sim/keys/status").handler(ctx -> run(ctx, b ->
                state.setKeyStatus(required(b, "apiKey"), status(b.getString("status")))));
        r.delete("/_sim/keys").handler(ctx -> run(ctx, b -> state.removeKey(required(b, "apiKey"))));
        r.put("/_sim/quotas/:model").handler(ctx -> run(ctx, b -> {
            ProjectTier tier = tier(b.getString("tier", "FREE"));
            if (b.getValue("tpm") == null && tier == ProjectTier.FREE) {
                state.setDefaultQuota(ctx.pathParam("model"), requiredInt(b, "rpm"), requiredInt(b, "rpd"));
            } else {
                state.setTierQuota(tier, ctx.pathParam("model"), requiredInt(b, "rpm"), requiredInt(b, "rpd"),
                        requiredInt(b, "tpm"));
            }
        }));
        r.put("/_sim/projects/:project/quotas/:model").handler(ctx -> run(ctx, b -> {
            if (b.getValue("tpm") == null) {
                state.setProjectQuota(ctx.pathParam("project"), ctx.pathParam("model"), requiredInt(b, "rpm"),
                        requiredInt(b, "rpd"));
            } else {
                state.setProjectQuota(ctx.pathParam("project"), ctx.pathParam("model"), requiredInt(b, "rpm"),
                        requiredInt(b, "rpd"), requiredInt(b, "tpm"));
            }
        }));
        r.put("/_sim/families/:family/quotas").handler(ctx -> run(ctx, b -> state.setFamilyQuota(
                tier(b.getString("tier", "FREE")), ctx.pathParam("family"), requiredInt(b, "rpm"),
                requiredInt(b, "rpd"), requiredInt(b, "tpm"))));
        r.put("/_sim/projects/:project/tier").handler(ctx -> run(ctx, b ->
                state.setProjectTier(ctx.pathParam("project"), tier(required(b, "tier")))));
        r.put("/_sim/models/:model/quota-model").handler(ctx -> run(ctx, b ->
                state.setQuotaModel(ctx.pathParam("model"), required(b, "quotaModel"))));
        r.put("/_sim/projects/:project/legacy").handler(ctx -> run(ctx, b ->
                state.setProjectLegacy(ctx.pathParam("project"), requiredBool(b, "legacy"))));
        r.put("/_sim/projects/:project/denied").handler(ctx -> run(ctx, b ->
                state.setProjectDenied(ctx.pathParam("project"), requiredBool(b, "denied"))));
        r.put("/_sim/projects/:project/prepay-depleted").handler(ctx -> run(ctx, b ->
                state.setPrepayDepleted(ctx.pathParam("project"), requiredBool(b, "depleted"))));
        r.put("/_sim/location-unsupported").handler(ctx -> run(ctx, b ->
                state.setLocationUnsupported(requiredBool(b, "unsupported"))));
        r.post("/_sim/projects/:project/files").handler(ctx -> run(ctx, b ->
                state.addFile(ctx.pathParam("project"), required(b, "fileId"))));
        r.post("/_sim/projects/:project/cached-contents").handler(ctx -> run(ctx, b ->
                state.addCachedContent(ctx.pathParam("project"), required(b, "cacheId"))));
        r.get("/_sim/catalog").handler(ctx -> ok(ctx, catalogJson()));
        r.post("/_sim/models").handler(ctx -> run(ctx, b -> state.addModel(required(b, "name"), required(b, "likeModel"))));
        r.delete("/_sim/models/:model").handler(ctx -> run(ctx, b -> state.removeModel(ctx.pathParam("model"))));
        r.post("/_sim/models/:model/retire").handler(ctx -> run(ctx, b ->
                state.retireModel(ctx.pathParam("model"), enumValue(Retirement.class, required(b, "how")))));
        r.put("/_sim/auto-routes/:from").handler(ctx -> run(ctx, b -> state.autoRoute(ctx.pathParam("from"), required(b, "to"))));
        r.put("/_sim/aliases/:alias").handler(ctx -> run(ctx, b ->
                state.setAliasTarget(ctx.pathParam("alias"), required(b, "target"))));
        r.post("/_sim/projects/:project/models/:model/exhaust-day").handler(ctx -> run(ctx, b ->
                state.exhaustDay(ctx.pathParam("project"), ctx.pathParam("model"))));
        r.get("/_sim/clock").handler(ctx -> ok(ctx, clockJson()));
        r.post("/_sim/clock/advance").handler(ctx -> {
            try {
                JsonObject b = body(ctx);
                Duration d;
                if (b.getValue("duration") instanceof String iso) {
                    d = Duration.parse(iso);
                } else if (b.getValue("seconds") instanceof Number n) {
                    d = Duration.ofMillis(Math.round(n.doubleValue() * 1000));
                } else {
                    throw new IllegalArgumentException("give \"seconds\" (number) or \"duration\" (ISO-8601, e.g. PT1H)");
                }
                state.advanceClock(d);
                ok(ctx, clockJson());
            } catch (RuntimeException e) {
                bad(ctx, e);
            }
        });
        r.post("/_sim/fail").handler(ctx -> run(ctx, b -> state.failNext(requiredInt(b, "count"),
                b.getInteger("status", 503), enumValue(UnavailableText.class, b.getString("text", "HIGH_DEMAND")))));
        r.post("/_sim/fail-mid-stream").handler(ctx -> run(ctx, b -> state.failMidStreamNext(requiredInt(b, "count"))));
        r.post("/_sim/openrouter/fail").handler(ctx -> run(ctx, b ->
                state.failOpenRouterNext(requiredInt(b, "count"), b.getInteger("status", 502))));
        r.put("/_sim/latency").handler(ctx -> run(ctx, b -> state.setLatency(
                Duration.ofMillis(b.getLong("fixedMs", 0L)), Duration.ofMillis(b.getLong("perChunkMs", 0L)))));
        r.put("/_sim/openrouter/keys").handler(ctx -> run(ctx, b ->
                state.setOpenRouterKey(required(b, "key"), b.getInteger("rpm", 20))));
        r.put("/_sim/batch-embed-counting").handler(ctx -> run(ctx, b ->
                state.setBatchEmbedCountsPerItem(b.getBoolean("perItem", true))));
        r.get("/_sim/counters").handler(ctx -> ok(ctx, countersJson()));
        r.get("/_sim/requests").handler(ctx -> ok(ctx, new JsonObject().put("requests",
                new io.vertx.core.json.JsonArray(new java.util.ArrayList<Object>(state.requestLog())))));
        r.delete("/_sim/requests").handler(ctx -> run(ctx, b -> state.clearRequestLog()));
        r.get("/_sim/requests/detail").handler(ctx -> ok(ctx, recordsJson()));
        r.get("/_sim/objects").handler(ctx -> ok(ctx, objectsJson(null)));
        r.get("/_sim/projects/:project/objects").handler(ctx -> ok(ctx, objectsJson(ctx.pathParam("project"))));
        r.get("/_sim/object-settings").handler(ctx -> ok(ctx, objectSettingsJson()));
        r.put("/_sim/object-settings").handler(ctx -> run(ctx, this::objectSettings));
        r.post("/_sim/batches/:id/finish").handler(ctx -> run(ctx, b -> {
            String outcome = "BATCH_STATE_" + b.getString("state", "SUCCEEDED").toUpperCase(Locale.ROOT)
                    .replace("BATCH_STATE_", "");
            if (!java.util.Set.of("BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_EXPIRED").contains(outcome)) {
                throw new IllegalArgumentException("state must be SUCCEEDED, FAILED or EXPIRED");
            }
            if (!batches.finishNow(ctx.pathParam("id"), outcome)) {
                throw new IllegalArgumentException("no pending or running batch " + ctx.pathParam("id"));
            }
        }));
        r.post("/_sim/operations/finish").handler(ctx -> run(ctx, b -> {
            if (!operations.finishNow(required(b, "name"))) {
                throw new IllegalArgumentException("no unfinished operation " + b.getString("name"));
            }
        }));
        r.post("/_sim/interactions/:id/finish").handler(ctx -> run(ctx, b -> {
            if (!interactions.finishNow(ctx.pathParam("id"))) {
                throw new IllegalArgumentException("no background interaction in progress " + ctx.pathParam("id"));
            }
        }));
        r.get("/_sim/counters/keys/:apiKey").handler(ctx -> ok(ctx, new JsonObject()
                .put("accepted", state.accepted(ctx.pathParam("apiKey")))
                .put("refused", state.refused(ctx.pathParam("apiKey")))));
        r.get("/_sim/counters/projects/:project/models/:model").handler(ctx -> ok(ctx, new JsonObject()
                .put("accepted", state.accepted(ctx.pathParam("project"), ctx.pathParam("model")))
                .put("refused", state.refused(ctx.pathParam("project"), ctx.pathParam("model")))));
        r.post("/_sim/counters/reset").handler(ctx -> run(ctx, b -> state.resetCounters()));
        r.post("/_sim/reset").handler(ctx -> run(ctx, b -> state.reset()));
        r.route("/_sim/*").handler(ctx -> Http.send(ctx, 404, Http.JSON_UTF8,
                new JsonObject().put("error", "no such admin route: " + ctx.request().method() + " " + ctx.request().path())
                        .encode()));
    }

    private void addKey(JsonObject b) {
        state.addKey(required(b, "apiKey"), b.getString("project"), status(b.getString("status", "VALID")));
    }

    private static KeyStatus status(String s) {
        if (s == null) {
            throw new IllegalArgumentException("status is required (" + java.util.Arrays.toString(KeyStatus.values()) + ")");
        }
        return enumValue(KeyStatus.class, s);
    }

    private static ProjectTier tier(String s) {
        return enumValue(ProjectTier.class, s);
    }

    /** Case-insensitive enum value; a clear 400 naming the choices otherwise. */
    private static <E extends Enum<E>> E enumValue(Class<E> type, String s) {
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + " " + s + " (one of "
                    + java.util.Arrays.toString(type.getEnumConstants()) + ")");
        }
    }

    private static boolean requiredBool(JsonObject b, String f) {
        if (!(b.getValue(f) instanceof Boolean v)) {
            throw new IllegalArgumentException(f + " is required (true or false)");
        }
        return v;
    }

    private static String required(JsonObject b, String f) {
        String v = b.getString(f);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(f + " is required");
        }
        return v;
    }

    private static int requiredInt(JsonObject b, String f) {
        if (!(b.getValue(f) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.longValue() != n.intValue()) {
            throw new IllegalArgumentException(f + " is required (integer)");
        }
        return n.intValue();
    }

    private static JsonObject body(RoutingContext ctx) {
        String s = ctx.body() == null ? null : ctx.body().asString();
        if (s == null || s.isBlank()) {
            return new JsonObject();
        }
        return new JsonObject(s);
    }

    private static void run(RoutingContext ctx, Consumer<JsonObject> action) {
        try {
            action.accept(body(ctx));
            ctx.response().setStatusCode(204).end();
        } catch (RuntimeException e) {
            bad(ctx, e);
        }
    }

    private static void bad(RoutingContext ctx, RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Http.send(ctx, 400, Http.JSON_UTF8, new JsonObject().put("error", msg).encode());
    }

    private static void ok(RoutingContext ctx, JsonObject o) {
        Http.send(ctx, 200, Http.JSON_UTF8, o.encode());
    }

    private JsonObject clockJson() {
        Instant now = state.now();
        return new JsonObject().put("now", now.toString()).put("offsetSeconds", state.clockOffset().toMillis() / 1000.0)
                .put("pacificDay", SimState.pacificDay(now).toString())
                .put("nextPacificMidnight", SimState.nextPacificMidnight(now).toString());
    }

    private JsonObject stateJson() {
        JsonArray keys = new JsonArray();
        state.keys().forEach((k, v) -> keys.add(new JsonObject().put("apiKey", k).put("project", v.project())
                .put("status", v.status().name())));
        JsonObject defaults = quotasJson(state.defaultQuotas(ProjectTier.FREE));
        JsonObject paid = quotasJson(state.defaultQuotas(ProjectTier.PAID));
        JsonObject families = new JsonObject();
        for (ProjectTier t : ProjectTier.values()) {
            families.put(t.name(), quotasJson(state.familyQuotas(t)));
        }
        JsonObject overrides = quotasJson(state.projectQuotas());
        return new JsonObject().put("clock", clockJson()).put("keys", keys).put("defaultQuotas", defaults)
                .put("paidQuotas", paid).put("familyQuotas", families)
                .put("projectQuotas", overrides).put("projects", new JsonObject(state.projectFlags()))
                .put("catalog", catalogJson())
                .put("failures", new JsonObject(state.pendingFailures()))
                .put("latency", new JsonObject().put("fixedMs", state.latencyFixed().toMillis())
                        .put("perChunkMs", state.latencyPerChunk().toMillis()))
                .put("batchEmbedCountsPerItem", state.batchEmbedCountsPerItem())
                .put("liveSessionsOpen", new JsonObject(new java.util.HashMap<String, Object>(state.liveSessionsOpen())));
    }

    private static JsonObject quotasJson(java.util.Map<String, Quota> quotas) {
        JsonObject o = new JsonObject();
        quotas.forEach((m, q) -> o.put(m, new JsonObject().put("rpm", q.rpm()).put("rpd", q.rpd()).put("tpm", q.tpm())));
        return o;
    }

    private JsonObject catalogJson() {
        JsonArray listed = new JsonArray();
        JsonObject quotaModels = new JsonObject();
        for (ModelCatalog.Model m : state.models()) {
            listed.add(m.name());
            ModelCatalog.Model served = state.findModel(m.name());
            if (served != null) {
                quotaModels.put(m.name(), state.quotaModel(served));
            }
        }
        JsonObject retired = new JsonObject();
        state.retirements().forEach((m, r) -> retired.put(m, r.name()));
        return new JsonObject().put("listed", listed).put("aliases", new JsonObject(new java.util.LinkedHashMap<>(
                        state.aliasTargets()))).put("retired", retired)
                .put("autoRoutes", new JsonObject(new java.util.LinkedHashMap<>(state.autoRoutes())))
                .put("quotaModels", quotaModels);
    }

    private JsonObject countersJson() {
        JsonObject keys = new JsonObject();
        state.keyCounters().forEach((k, v) -> keys.put(k, new JsonObject().put("accepted", v[0]).put("refused", v[1])));
        JsonObject buckets = new JsonObject();
        state.bucketCounters().forEach((k, v) -> buckets.put(k, new JsonObject().put("accepted", v[0]).put("refused", v[1])));
        return new JsonObject().put("keys", keys).put("projects", buckets).put("openRouter",
                new JsonObject().put("accepted", state.openRouterAccepted()).put("refused", state.openRouterRefused()));
    }
}
