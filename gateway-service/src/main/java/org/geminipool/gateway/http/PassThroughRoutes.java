package org.geminipool.gateway.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.gateway.upstream.PassThrough;

import java.util.Locale;

/**
 * The routes of everything the gateway does not serve itself (design §2, gateway README "Pass-through"): any other
 * {@code /v1beta/**}, {@code /v1/**}, {@code /v1alpha/**} path, and {@code /upload/**}, {@code /download/**}.
 *
 * <ul>
 *   <li>A {@code /v1…} path that {@link RequestParser} serves is left to the normal routes (also its 405s); the rest
 *   is claimed here, after the path checks of {@link PassCall#hostile} (400 otherwise).</li>
 *   <li>A JSON body (or none) takes the normal way — token check, body budget, size limit, then
 *   {@link GatewayRequests#handle}, which hands a marked call to {@link PassThrough} — because its object references
 *   must be read before a key is chosen. Any other body is streamed: token check here, then straight to
 *   {@link PassThrough} with the request paused, never held whole.</li>
 *   <li>{@code /upload/**} and {@code /download/**} are always streamed. A resumable chunk may come without a token
 *   (the Python SDK sends none): its {@code upload_id}, which only the client that started the upload was given, is the
 *   capability, and the upload's owner is the chunk's owner.</li>
 * </ul>
 */
@ApplicationScoped
public class PassThroughRoutes {

    /** Routing-context key of a call the normal routes must hand to {@link PassThrough}. */
    public static final String MARK = "gemini-pool.passThrough";
    /** Routing-context key of the {@link ApiCall} parsed here, so the normal route does not parse the path again. */
    static final String PARSED = "gemini-pool.apiCall";

    @Inject
    GatewayRequests requests;

    @Inject
    PassThrough passThrough;

    void register(@Observes Router router) {
        for (String path : new String[] {"/v1beta/*", "/v1/*", "/v1alpha/*"}) {
            router.route(path).order(-102).handler(this::claim);
        }
        for (String path : new String[] {"/upload/*", "/download/*"}) {
            router.route(path).order(-102).handler(this::streamed);
        }
    }

    private void claim(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (isDoorPath(path)) {
            ctx.next(); // the front doors answer their own unknown sub-paths in their protocol; Google has none of them
            return;
        }
        if (!path.startsWith("/v1alpha/")) {
            try {
                ctx.put(PARSED, RequestParser.parse(ctx.request().method(), path, ctx.request().getParam("alt")));
                ctx.next();
                return;
            } catch (ClientError e) {
                if (e.status() != 404) {
                    ctx.next();
                    return;
                }
            }
        }
        String hostile = PassCall.hostile(ctx.request());
        if (hostile != null) {
            refuse(ctx, 400, hostile);
            return;
        }
        if (streamsBody(ctx)) {
            if (!requests.authenticate(ctx)) {
                return;
            }
            ctx.request().pause();
            start(ctx, true);
            return;
        }
        ctx.put(MARK, Boolean.TRUE);
        ctx.next();
    }

    /** The OpenAI Responses and Anthropic Messages doors: translated by the gateway, never forwarded as they are. */
    static boolean isDoorPath(String path) {
        return path.equals("/v1/messages") || path.startsWith("/v1/messages/") || path.equals("/v1/responses")
                || path.startsWith("/v1/responses/");
    }

    private void streamed(RoutingContext ctx) {
        ctx.request().pause();
        String hostile = PassCall.hostile(ctx.request());
        if (hostile != null) {
            ctx.response().putHeader("Connection", "close");
            refuse(ctx, 400, hostile);
            return;
        }
        boolean keyless = ClientAuth.presented(ctx.request()) == null;
        if (keyless && ctx.normalizedPath().startsWith("/upload/") && ctx.request().getParam("upload_id") != null) {
            start(ctx, true); // the upload id authorises the chunk; its owner is the upload's
            return;
        }
        if (!requests.authenticate(ctx)) {
            return;
        }
        start(ctx, true);
    }

    /** From the normal routes, after the token check and the body: the marked call with its buffered body. */
    void handOver(RoutingContext ctx) {
        start(ctx, false);
    }

    private void start(RoutingContext ctx, boolean streamed) {
        PassCall call;
        try {
            call = PassCall.of(ctx.request(), ctx.get(ClientAuth.TOKEN_ID));
        } catch (ClientError e) {
            refuse(ctx, e.status(), e.getMessage());
            return;
        }
        passThrough.handle(ctx, call, streamed ? null : (ctx.body() == null ? null : ctx.body().buffer()), streamed);
    }

    /** A body that is neither absent nor JSON (an upload's bytes sent to a /v1… path) is streamed. */
    private static boolean streamsBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        boolean hasBody = ctx.request().getHeader("Transfer-Encoding") != null
                || (length != null && !length.trim().equals("0"));
        if (!hasBody) {
            return false;
        }
        String type = ctx.request().getHeader("Content-Type");
        return type != null && !type.toLowerCase(Locale.ROOT).contains("json");
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        PassThrough.error(ctx, ctx.normalizedPath(), status, message, null, null);
    }
}
