package org.geminipool.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;

/** Constant-time token comparison: hashing first makes the time independent of length and common prefix. */
public final class TokenCheck {

    private TokenCheck() {
    }

    public static boolean matches(String expected, String presented) {
        if (expected == null || expected.isEmpty() || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(presented));
    }

    /** True when {@code presented} equals one of {@code accepted}; every candidate is compared. */
    public static boolean matchesAny(Collection<String> accepted, String presented) {
        boolean found = false;
        for (String candidate : accepted) {
            found |= matches(candidate, presented);
        }
        return found;
    }

    /** The token from an {@code Authorization: Bearer <token>} header, or null. */
    public static String bearer(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        String value = authorizationHeader.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = value.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    public static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
