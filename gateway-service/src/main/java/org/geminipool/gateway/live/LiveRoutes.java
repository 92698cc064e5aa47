package org.geminipool.gateway.live;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.http.ClientAuth;
import org.geminipool.gateway.http.GatewayResponses;
import org.geminipool.gateway.metrics.GatewayMetrics;

import java.util.regex.Pattern;

/**
 * The Live API's WebSocket paths on the gateway (gemini-api-2026.md §10, gateway README "Live API"):
 * {@code /ws/google.ai.generativelanguage.{v1beta|v1alpha}.GenerativeService.BidiGenerateContent} with the client
 * token as {@code ?key=} (JS SDK) or {@code x-goog-api-key} (Python SDK) — or {@code Authorization: Bearer} — checked
 * before the upgrade (401 otherwise), and {@code …BidiGenerateContentConstrained} with an ephemeral token minted
 * through the pool as {@code ?access_token=auth_tokens/…} (JS) or {@code Authorization: Token auth_tokens/…} (Python).
 * Other {@code /ws/} methods (Lyria's {@code BidiGenerateMusic}) answer 404. Also sets the WebSocket frame limits of the
 * HTTP server ({@code GEMINI_POOL_LIVE_MAX_FRAME_SIZE}).
 */
@ApplicationScoped
public class LiveRoutes implements HttpServerOptionsCustomizer {

    static final Pattern METHOD = Pattern.compile(
            "google\\.ai\\.generativelanguage\\.(v1beta|v1alpha)\\.GenerativeService\\.BidiGenerateContent(Constrained)?");

    @Inject
    LiveSessions sessions;

    @Inject
    ClientAuth auth;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    void register(@Observes Router router) {
        router.route("/ws/*").order(-110).handler(this::handle);
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        int frame = (int) Math.min(Integer.MAX_VALUE, config.live().maxFrameSize().asLongValue());
        options.setMaxWebSocketFrameSize(frame).setMaxWebSocketMessageSize((int) Math.min(Integer.MAX_VALUE, 4L * frame));
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        customizeHttpServer(options);
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String path = ctx.normalizedPath();
        String method = path.substring("/ws/".length());
        if (!METHOD.matcher(method).matches()) {
            GatewayResponses.error(ctx, null, 404, "this pool proxies the Live API's BidiGenerateContent and"
                    + " BidiGenerateContentConstrained WebSockets only", null, null);
            return;
        }
        boolean constrained = method.endsWith("Constrained");
        String tokenId = null;
        String ephemeral = null;
        if (constrained) {
            ephemeral = ephemeralToken(request);
            if (ephemeral == null || !ephemeral.matches("(auth_tokens/)?[A-Za-z0-9._~-]{1,512}")) {
                GatewayResponses.error(ctx, null, 401, "BidiGenerateContentConstrained needs an ephemeral token minted"
                        + " through this pool: '?access_token=auth_tokens/…' or 'Authorization: Token auth_tokens/…'",
                        null, null);
                return;
            }
        } else {
            String token = ClientAuth.presented(request);
            if (token == null || !auth.accepts(token)) {
                metrics.request(LiveSession.ROUTE, null, "UNAUTHENTICATED");
                GatewayResponses.error(ctx, null, 401, token == null ? "missing client token: send it as '?key=<token>',"
                        + " 'x-goog-api-key: <token>' or 'Authorization: Bearer <token>'" : "invalid client token",
                        null, null);
                return;
            }
            tokenId = ClientAuth.tokenId(token);
        }
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            GatewayResponses.error(ctx, null, 400, "the Live API is a WebSocket: send an Upgrade: websocket request",
                    null, null);
            return;
        }
        String owner = tokenId;
        String token = ephemeral;
        var headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap();
        for (String h : new String[] {"User-Agent", "x-goog-api-client"}) {
            if (request.getHeader(h) != null) {
                headers.add(h, request.getHeader(h));
            }
        }
        request.toWebSocket().onSuccess(ws -> new LiveSession(sessions, ws, method, owner, token, headers).start());
    }

    /** {@code ?access_token=} (JS) or {@code Authorization: Token …} (Python) [gemini-api-2026.md §10]. */
    static String ephemeralToken(HttpServerRequest request) {
        String q = request.getParam("access_token");
        if (q != null && !q.isBlank()) {
            return q.trim();
        }
        String a = request.getHeader("Authorization");
        if (a != null && a.regionMatches(true, 0, "Token ", 0, 6) && !a.substring(6).isBlank()) {
            return a.substring(6).trim();
        }
        return null;
    }
}
