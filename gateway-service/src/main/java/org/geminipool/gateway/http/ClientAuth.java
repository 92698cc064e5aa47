package org.geminipool.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.contract.TokenCheck;
import org.geminipool.gateway.config.GatewayConfig;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** SHA-256 of each configured token, computed once (the comparison hashes both sides; this side never changes). */
    private volatile List<byte[]> tokenHashes;

    /** tokenId of tokens seen (only accepted and configured tokens reach it; bounded anyway). */
    private static final Map<String, String> TOKEN_IDS = new ConcurrentHashMap<>();
    private static final int TOKEN_ID_CACHE_MAX = 1024;

    /** The presented token, or null when none was sent. */
    public static String presented(HttpServerRequest request) {
        String bearer = TokenCheck.bearer(request.getHeader("Authorization"));
        if (bearer != null) {
            return bearer;
        }
        String anthropic = request.getHeader("x-api-key"); // Anthropic's SDKs and Claude Code
        if (anthropic != null && !anthropic.isBlank()) {
            return anthropic.trim();
        }
        String goog = request.getHeader("x-goog-api-key");
        if (goog != null && !goog.isBlank()) {
            return goog.trim();
        }
        String key = request.getParam("key");
        return key == null || key.isBlank() ? null : key.trim();
    }

    public boolean accepts(String token) {
        List<byte[]> hashes = tokenHashes;
        if (hashes == null) {
            hashes = config.clientTokenList().stream().filter(t -> t != null && !t.isEmpty()).map(TokenCheck::sha256)
                    .toList();
            tokenHashes = hashes;
        }
        if (token == null) {
            return false;
        }
        // Same as TokenCheck.matchesAny: constant time, every candidate is compared.
        byte[] presented = TokenCheck.sha256(token);
        boolean found = false;
        for (byte[] candidate : hashes) {
            found |= MessageDigest.isEqual(candidate, presented);
        }
        return found;
    }

    public static String tokenId(String token) {
        String id = TOKEN_IDS.get(token);
        if (id == null) {
            id = HexFormat.of().formatHex(TokenCheck.sha256(token)).substring(0, 16);
            if (TOKEN_IDS.size() < TOKEN_ID_CACHE_MAX) {
                TOKEN_IDS.put(token, id);
            }
        }
        return id;
    }
}
