package org.geminipool.simulator.internal;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;

/**
 * {@code /v1beta/cachedContents} (gemini-api-2026.md §5): create, get, list, patch (ttl or expireTime), delete. A
 * cache belongs to the project of the key that created it; any other key, and any deleted or expired cache, gets
 * the 403 "CachedContent not found (or permission denied)", never 404 [C-cache, C-cache403]. The answers echo none of
 * the cached members. Metadata calls are quota-free.
 */
final class CachesApi {

    private static final String SERVICE = "CacheService";
    private static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private final SimState state;
    private final NativeApi natives;
    private final ProjectObjects objects;
    private final ObjectCalls calls;

    CachesApi(SimState state, NativeApi natives) {
        this.state = state;
        this.natives = natives;
        this.objects = state.objects();
        this.calls = ObjectCalls.nativeService(state, natives, SERVICE);
    }

    /** The CachedContent resource as Google answers it [C-cache]: no contents, tools or instruction echoed. */
    static JsonObject resource(ProjectObjects.CacheObj c) {
        JsonObject o = new JsonObject().put("name", "cachedContents/" + c.id);
        if (c.model != null) {
            o.put("model", "models/" + c.model);
        }
        return o.put("createTime", Resources.time(c.created)).put("updateTime", Resources.time(c.updated))
                .put("expireTime", Resources.time(c.expires)).put("displayName", c.displayName)
                .put("usageMetadata", new JsonObject().put("totalTokenCount", c.tokens));
    }

    void handle(RoutingContext ctx, String rest) {
        if (ObjectCalls.collection(ctx, rest, () -> create(ctx), () -> list(ctx))) {
            return;
        }
        HttpMethod m = ctx.request().method();
        if (rest.contains("/")) {
            ObjectCalls.methodNotFound(ctx);
            return;
        }
        if (m == HttpMethod.GET) {
            one(ctx, rest, "GetCachedContent", (c, cache) -> calls.ok(ctx, c, resource(cache)));
        } else if (m == HttpMethod.PATCH) {
            one(ctx, rest, "UpdateCachedContent", (c, cache) -> patch(ctx, c, cache));
        } else if (m == HttpMethod.DELETE) {
            one(ctx, rest, "DeleteCachedContent", (c, cache) -> {
                objects.remove(ProjectObjects.Kind.CACHE, c.project(), cache.id);
                calls.ok(ctx, c, new JsonObject());
            });
        } else {
            ObjectCalls.methodNotFound(ctx);
        }
    }

    private void one(RoutingContext ctx, String id, String method,
                     java.util.function.BiConsumer<NativeApi.Caller, ProjectObjects.CacheObj> then) {
        NativeApi.Caller c = calls.auth(ctx, method);
        if (c == null) {
            return;
        }
        ProjectObjects.CacheObj cache = state.cachedContent(c.project(), id);
        if (cache == null) {
            calls.refuse(ctx, c, GoogleErrors.cachedContentDenied());
            return;
        }
        then.accept(c, cache);
    }

    private void create(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "CreateCachedContent");
        if (c == null) {
            return;
        }
        JsonObject body = calls.body(ctx, c);
        if (body == null) {
            return;
        }
        String modelName = body.getString("model");
        if (modelName == null || modelName.isBlank()) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("* CreateCachedContentRequest.cached_content.model: model is "
                    + "not specified\n"));
            return;
        }
        ModelCatalog.Model m = natives.model(ctx, c, "v1beta", modelName, "createCachedContent", false);
        if (m == null) {
            return;
        }
        Instant now = state.now();
        Instant expires;
        try {
            expires = expiry(body, now, DEFAULT_TTL);
        } catch (Generation.Invalid e) {
            calls.refuse(ctx, c, e.error);
            return;
        }
        JsonObject inner = new JsonObject();
        for (String f : List.of("contents", "systemInstruction", "system_instruction", "tools", "toolConfig",
                "tool_config")) {
            if (body.containsKey(f)) {
                inner.put(f, body.getValue(f));
            }
        }
        int tokens;
        String whole;
        try {
            Generation.Request req = Generation.nativeRequest(m, contentsOrPlaceholder(inner));
            GoogleErrors.GoogleError foreign = natives.foreignFiles(c, req.fileIds());
            if (foreign != null) {
                calls.refuse(ctx, c, foreign);
                return;
            }
            boolean placeholder = !(inner.getValue("contents") instanceof JsonArray a) || a.isEmpty();
            tokens = placeholder ? req.promptTokens() - ContentGen.tokens(".") : req.promptTokens();
            whole = req.wholePrompt();
        } catch (Generation.Invalid e) {
            calls.refuse(ctx, c, e.error);
            return;
        }
        int min = state.objectSettings().cacheMinTokens();
        if (tokens < min) {
            calls.refuse(ctx, c, GoogleErrors.invalidArgument("Cached content is too small. total_token_count=" + tokens
                    + ", min_total_token_count=" + min));
            return;
        }
        ProjectObjects.CacheObj cache = new ProjectObjects.CacheObj(c.project(), objects.newId(12), now);
        cache.model = m.name();
        cache.displayName = body.getString("displayName", body.getString("display_name", ""));
        cache.expires = expires;
        cache.tokens = tokens;
        cache.wholePrompt = whole;
        objects.put(ProjectObjects.Kind.CACHE, cache);
        calls.ok(ctx, c, resource(cache));
    }

    /** A cache of only a system instruction still parses: one placeholder turn (one token, subtracted again). */
    private static JsonObject contentsOrPlaceholder(JsonObject inner) {
        if (inner.getValue("contents") instanceof JsonArray a && !a.isEmpty()) {
            return inner;
        }
        JsonObject copy = inner.copy();
        copy.put("contents", new JsonArray().add(new JsonObject().put("role", "user")
                .put("parts", new JsonArray().add(new JsonObject().put("text", ".")))));
        copy.remove("tools");
        copy.remove("toolConfig");
        copy.remove("tool_config");
        return copy;
    }

    /** {@code ttl} ("300s", "1.5s") or {@code expireTime} (RFC 3339); both at once is a 400. */
    static Instant expiry(JsonObject body, Instant now, Duration defaultTtl) {
        Object ttl = body.getValue("ttl");
        Object expireTime = body.containsKey("expireTime") ? body.getValue("expireTime") : body.getValue("expire_time");
        if (ttl != null && expireTime != null) {
            throw new Generation.Invalid(GoogleErrors.invalidArgument("Only one of ttl and expire_time may be set."));
        }
        if (ttl != null) {
            String t = String.valueOf(ttl).trim();
            if (!t.matches("[0-9]+(\\.[0-9]{1,9})?s")) {
                throw new Generation.Invalid(GoogleErrors.badRequestField("cached_content.ttl",
                        "Invalid value at 'cached_content.ttl' (type.googleapis.com/google.protobuf.Duration), \""
                                + t + "\""));
            }
            double seconds = Double.parseDouble(t.substring(0, t.length() - 1));
            return now.plusMillis((long) (seconds * 1000));
        }
        if (expireTime != null) {
            try {
                Instant e = Instant.parse(String.valueOf(expireTime).trim());
                if (!e.isAfter(now)) {
                    throw new Generation.Invalid(GoogleErrors.invalidArgument("expire_time must be in the future."));
                }
                return e;
            } catch (DateTimeParseException ex) {
                throw new Generation.Invalid(GoogleErrors.badRequestField("cached_content.expire_time",
                        "Invalid value at 'cached_content.expire_time' (type.googleapis.com/google.protobuf.Timestamp), \""
                                + expireTime + "\""));
            }
        }
        return now.plus(defaultTtl);
    }

    private void patch(RoutingContext ctx, NativeApi.Caller c, ProjectObjects.CacheObj cache) {
        JsonObject body;
        try {
            body = Generation.parseObject(ctx.body().asString());
            if (body.getValue("ttl") == null && body.getValue("expireTime") == null
                    && body.getValue("expire_time") == null) {
                throw new Generation.Invalid(GoogleErrors.invalidArgument("Only ttl or expire_time can be updated."));
            }
            Instant e = expiry(body, state.now(), DEFAULT_TTL);
            JsonObject out = objects.locked(() -> {
                cache.expires = e;
                cache.updated = state.now();
                return resource(cache);
            });
            calls.ok(ctx, c, out);
        } catch (Generation.Invalid e) {
            calls.refuse(ctx, c, e.error);
        }
    }

    /** cachedContents.list: pageSize default 100, maximum 1000; none alive answers {} [C-cache]. */
    private void list(RoutingContext ctx) {
        NativeApi.Caller c = calls.auth(ctx, "ListCachedContents");
        if (c == null) {
            return;
        }
        Instant now = state.now();
        List<ProjectObjects.CacheObj> all = objects.list(ProjectObjects.Kind.CACHE, c.project(),
                Comparator.comparing((ProjectObjects.CacheObj x) -> x.created).thenComparing(x -> x.id),
                x -> now.isBefore(x.expires));
        calls.page(ctx, c, all, "caches", 100, 1000, "cachedContents", CachesApi::resource);
    }
}
