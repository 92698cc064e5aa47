package org.geminipool.simulator.internal;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every object route (gemini-api-2026.md §4–§9 and §12: files, caches, batches, File Search stores, the
 * OpenAI-compatible objects and calls) does around its own logic: authenticate the caller for one RPC of its service,
 * read the JSON body, find the caller's file, answer a page of a list, and answer or refuse with the call counted for
 * the key. One instance per API: native routes answer Google's pretty JSON and plain errors; the OpenAI-compatible
 * routes take a Bearer key, answer compact JSON and wrap their errors in an array (§12).
 */
final class ObjectCalls {

    private static final String OPENAI_SERVICE = "OpenAiCompatibilityService";

    private final SimState state;
    private final NativeApi natives;
    private final String service;
    private final boolean openAi;

    private ObjectCalls(SimState state, NativeApi natives, String service, boolean openAi) {
        this.state = state;
        this.natives = natives;
        this.service = service;
        this.openAi = openAi;
    }

    /** The calls of a native service ({@code google.ai.generativelanguage.v1beta.<service>}). */
    static ObjectCalls nativeService(SimState state, NativeApi natives, String service) {
        return new ObjectCalls(state, natives, service, false);
    }

    /**
     * The calls of the OpenAI-compatible endpoint. The RPC name in a 401/403 of these routes is the simulator's guess
     * ({@code …v1beta.OpenAiCompatibilityService.<Method>}, unconfirmed).
     */
    static ObjectCalls openAi(SimState state, NativeApi natives) {
        return new ObjectCalls(state, natives, OPENAI_SERVICE, true);
    }

    /** The caller of {@code method} of this service, or null once refused. */
    NativeApi.Caller auth(RoutingContext ctx, String method) {
        return authRpc(ctx, NativeApi.rpc("v1beta", service, method));
    }

    /** The caller of an RPC named in full (batch creation names the model's service), or null once refused. */
    NativeApi.Caller authRpc(RoutingContext ctx, String rpc) {
        if (!openAi) {
            return natives.authenticate(ctx, NativeApi.nativeKey(ctx), false, rpc);
        }
        String b = Http.bearer(ctx);
        String key = b != null ? b : NativeApi.nativeKey(ctx);
        if (key == null && !state.locationUnsupported()) {
            Http.googleError(ctx, unauthenticated(), true);
            return null;
        }
        return natives.authenticate(ctx, key, true, rpc);
    }

    private static GoogleErrors.GoogleError unauthenticated() {
        JsonObject e = new JsonObject().put("code", 401).put("message", "Missing bearer or basic authentication in header")
                .put("status", "UNAUTHENTICATED");
        return new GoogleErrors.GoogleError(401, new JsonObject().put("error", e));
    }

    /** Answers a Google error for the caller (counted as refused for the key). */
    void refuse(RoutingContext ctx, NativeApi.Caller c, GoogleErrors.GoogleError e) {
        count(c, false);
        Http.googleError(ctx, e, openAi);
    }

    /** Answers 200 with {@code body} (counted as served for the key). */
    void ok(RoutingContext ctx, NativeApi.Caller c, JsonObject body) {
        count(c, true);
        if (openAi) {
            Http.send(ctx, 200, Http.JSON_UTF8, body.encode());
        } else {
            Resources.json(ctx, 200, body);
        }
    }

    /** Counts the call for the caller's key (for answers this class does not write, such as a file's bytes). */
    void count(NativeApi.Caller c, boolean served) {
        if (c != null) {
            state.count(c.apiKey(), null, null, served);
        }
    }

    /** The request's JSON object body, or null once refused (not JSON, not an object). */
    JsonObject body(RoutingContext ctx, NativeApi.Caller c) {
        try {
            return Generation.parseObject(ctx.body().asString());
        } catch (Generation.Invalid e) {
            refuse(ctx, c, e.error);
            return null;
        }
    }

    /**
     * The caller's project's object of that kind and id, or null once refused with {@code denied}: another project's
     * object, like a deleted one, is not found.
     */
    <T extends ProjectObjects.Obj> T owned(RoutingContext ctx, NativeApi.Caller c, ProjectObjects.Kind kind, String id,
                                           Supplier<GoogleErrors.GoogleError> denied) {
        T o = state.objects().get(kind, c.project(), id);
        if (o == null) {
            refuse(ctx, c, denied.get());
        }
        return o;
    }

    /** The caller's project's file {@code files/<id>}, or null once refused with the Files 403 (§4). */
    ProjectObjects.FileObj file(RoutingContext ctx, NativeApi.Caller c, String id) {
        ProjectObjects.FileObj f = state.file(c.project(), id);
        if (f == null) {
            refuse(ctx, c, GoogleErrors.filePermissionDenied(id));
        }
        return f;
    }

    /**
     * Answers one page of {@code all}, Google's way ({@link Resources#page}): {@code {"<field>":[…],"nextPageToken"}},
     * the list omitted when the page is empty and the token on the last page; a bad pageSize or pageToken is a 400.
     */
    <T> void page(RoutingContext ctx, NativeApi.Caller c, List<T> all, String kind, int defaultSize, int maxSize,
                  String field, Function<T, Object> json) {
        Resources.Page page = Resources.page(ctx, kind, all.size(), defaultSize, maxSize, e -> {
            refuse(ctx, c, e);
            return null;
        });
        if (page == null) {
            return;
        }
        JsonObject body = new JsonObject();
        if (page.end() > page.offset()) {
            JsonArray items = new JsonArray();
            Resources.slice(all, page).forEach(x -> items.add(json.apply(x)));
            body.put(field, items);
        }
        if (page.next() != null) {
            body.put("nextPageToken", page.next());
        }
        ok(ctx, c, body);
    }

    /**
     * A request for the collection itself ({@code rest} empty): POST runs {@code create}, GET runs {@code list}, any
     * other method (or one whose action is null) is Google's 404. False, doing nothing, for a path below it.
     */
    static boolean collection(RoutingContext ctx, String rest, Runnable create, Runnable list) {
        if (!rest.isEmpty()) {
            return false;
        }
        HttpMethod m = ctx.request().method();
        if (m == HttpMethod.POST && create != null) {
            create.run();
        } else if (m == HttpMethod.GET && list != null) {
            list.run();
        } else {
            methodNotFound(ctx);
        }
        return true;
    }

    /** Google's 404 for a path or method a native object route does not serve (not counted: no caller yet). */
    static void methodNotFound(RoutingContext ctx) {
        Http.googleError(ctx, GoogleErrors.notFound("Method not found."), false);
    }
}
