package org.geminipool.keypool.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.contract.TokenCheck;
import org.geminipool.keypool.config.Tokens;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /leases}, {@code /outcomes} and {@code /objects} need the internal token, {@code /admin} the admin token; both as Bearer. 401 JSON otherwise. */
public class AuthFilter {

    @Inject
    Tokens tokens;

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext context) {
        String path = context.getUriInfo().getPath();
        String expected;
        String which;
        if (path.equals("/leases") || path.startsWith("/leases/") || path.equals("/outcomes")
                || path.startsWith("/outcomes/") || path.equals("/objects") || path.startsWith("/objects/")
                || path.equals("/live-sessions") || path.startsWith("/live-sessions/")) {
            expected = tokens.internal();
            which = INTERNAL;
        } else if (path.equals("/admin") || path.startsWith("/admin/")) {
            expected = tokens.admin();
            which = "admin token (GEMINI_POOL_ADMIN_TOKEN)";
        } else {
            return null;
        }
        String error = refusal(expected, which, context.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (error == null) {
            return null;
        }
        return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE)
                .header("WWW-Authenticate", "Bearer").entity(Map.of("error", error)).build();
    }

    /** Null when {@code authorization} carries the expected Bearer token; else the 401's message. */
    static String refusal(String expected, String which, String authorization) {
        String presented = TokenCheck.bearer(authorization);
        if (matches(expected, presented)) {
            return null;
        }
        return expected.isEmpty() ? "the " + which + " is not configured on this service"
                : presented == null ? "missing Authorization: Bearer <" + which + ">" : "wrong " + which;
    }

    static final String INTERNAL = "internal token (GEMINI_POOL_INTERNAL_TOKEN)";

    /** Hashes of the configured tokens (at most a few distinct values), so they are not re-hashed per request. */
    private static final Map<String, byte[]> EXPECTED_HASHES = new ConcurrentHashMap<>();

    /** Same as {@link TokenCheck#matches}, without re-hashing the configured token on every request. */
    private static boolean matches(String expected, String presented) {
        if (expected == null || expected.isEmpty() || presented == null) {
            return false;
        }
        byte[] hash = EXPECTED_HASHES.get(expected);
        if (hash == null) {
            hash = TokenCheck.sha256(expected);
            if (EXPECTED_HASHES.size() < 16) {
                EXPECTED_HASHES.put(expected, hash);
            }
        }
        return MessageDigest.isEqual(hash, TokenCheck.sha256(presented));
    }
}
