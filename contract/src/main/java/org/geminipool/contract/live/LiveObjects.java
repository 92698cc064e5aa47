package org.geminipool.contract.live;

import org.geminipool.contract.TokenCheck;

import java.util.HexFormat;

/**
 * The affinity names of the Live API's two per-project objects (design §2): an ephemeral token
 * ({@code auth_tokens/…}, minted through the pool) and a session resumption handle ({@code newHandle} of a
 * {@code sessionResumptionUpdate}). Both are credentials of a kind, so the pool never stores them: the record's name
 * is the SHA-256 of the value ({@code authTokens/<hex>}, {@code liveHandles/<hex>}), which also keeps any character
 * Google may use out of the name's alphabet.
 */
public final class LiveObjects {

    public static final String AUTH_TOKENS = "authTokens/";
    public static final String HANDLES = "liveHandles/";

    private LiveObjects() {
    }

    /** The record of an ephemeral token as Google names it ({@code auth_tokens/x}) or as a client presents it. */
    public static String authToken(String token) {
        String t = token.startsWith("auth_tokens/") ? token : "auth_tokens/" + token;
        return AUTH_TOKENS + hash(t);
    }

    public static String handle(String handle) {
        return HANDLES + hash(handle);
    }

    private static String hash(String value) {
        return HexFormat.of().formatHex(TokenCheck.sha256(value)).substring(0, 48);
    }
}
