package org.geminipool.gateway.service;

import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.common.security.TokenCheck;
import org.geminipool.gateway.config.GatewayConfig;

import java.util.HexFormat;
import java.util.List;

/**
 * Client tokens (GEMINI_POOL_CLIENT_TOKENS), presented as {@code Authorization: Bearer}, {@code x-goog-api-key} or
 * {@code ?key=}, compared in constant time. The token is never forwarded; usage knows it only by
 * {@link #tokenId} (first 16 hex characters of its SHA-256).
 */
@ApplicationScoped
public class ClientAuth {

    @Inject
    GatewayConfig config;

    /** Routing-context key of the authenticated client's token id. */
    public static final String TOKEN_ID = "clientTokenId";

    private volatile List<String> tokens;

    /** The presented token, or null when none was sent. */
    public static String presented(HttpServerRequest request) {
        String bearer = TokenCheck.bearer(request.getHeader("Authorization"));
        if (bearer != null) {
            return bearer;
        }
        String goog = request.getHeader("x-goog-api-key");
        if (goog != null && !goog.isBlank()) {
            return goog.trim();
        }
        String key = request.getParam("key");
        return key == null || key.isBlank() ? null : key.trim();
    }

    public boolean accepts(String token) {
        List<String> t = tokens;
        if (t == null) {
            t = config.clientTokenList();
            tokens = t;
        }
        return token != null && TokenCheck.matchesAny(t, token);
    }

    public static String tokenId(String token) {
        return HexFormat.of().formatHex(TokenCheck.sha256(token)).substring(0, 16);
    }
}
