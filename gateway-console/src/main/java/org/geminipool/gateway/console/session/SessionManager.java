package org.geminipool.gateway.console.session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.console.ConsoleSettings;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Console sessions as HMAC-signed cookie values {@code v1.<expiry>.<nonce>.<signature>}, so any gateway replica
 * accepts a login made on another (no sticky sessions, no login loop behind a load balancer). The signing key is
 * derived from the admin token: changing GEMINI_POOL_ADMIN_TOKEN ends every session. The cookie never holds the
 * admin token. Logout revokes the nonce on the replica that served it (and clears the cookie); the absolute
 * expiry bounds what a copied cookie can do elsewhere.
 */
@ApplicationScoped
public class SessionManager {

    public static final String COOKIE = "gp_console";
    public static final String PATH = "/console";
    private static final Pattern VALUE = Pattern.compile("v1\\.(\\d{1,12})\\.([A-Za-z0-9_-]{22,64})\\.([A-Za-z0-9_-]{43})");
    private static final int MAX_REVOKED = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter COOKIE_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    @Inject
    ConsoleSettings settings;

    Clock clock = Clock.systemUTC();
    private final Map<String, Long> revoked = new ConcurrentHashMap<>();

    /** True when an admin token is configured (otherwise nobody can log in). */
    public boolean enabled() {
        return !settings.adminToken().isEmpty();
    }

    /** Constant-time comparison of a presented admin token with the configured one. */
    public boolean tokenMatches(String presented) {
        String expected = settings.adminToken();
        if (expected.isEmpty() || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected.trim()), sha256(presented.trim()));
    }

    /** A new session cookie value. */
    public String issue() {
        byte[] nonce = new byte[24];
        RANDOM.nextBytes(nonce);
        long expires = clock.instant().plus(settings.sessionTtl()).getEpochSecond();
        String payload = "v1." + expires + "." + b64(nonce);
        return payload + "." + b64(hmac("session:" + payload));
    }

    /** The session of a cookie value, when its signature holds, it has not expired and was not revoked here. */
    public Optional<ConsoleSession> verify(String cookieValue) {
        if (!enabled() || cookieValue == null) {
            return Optional.empty();
        }
        var m = VALUE.matcher(cookieValue);
        if (!m.matches()) {
            return Optional.empty();
        }
        String payload = "v1." + m.group(1) + "." + m.group(2);
        byte[] expected = hmac("session:" + payload);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(m.group(3));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return Optional.empty();
        }
        long expires = Long.parseLong(m.group(1));
        long now = clock.instant().getEpochSecond();
        if (expires <= now || expires > now + settings.sessionTtl().getSeconds() + 60) {
            return Optional.empty();
        }
        String nonce = m.group(2);
        if (revoked.containsKey(nonce)) {
            return Optional.empty();
        }
        return Optional.of(new ConsoleSession(nonce, expires, b64(hmac("csrf:" + nonce))));
    }

    /** Ends a session on this replica. */
    public void revoke(ConsoleSession session) {
        long now = clock.instant().getEpochSecond();
        if (revoked.size() >= MAX_REVOKED) {
            revoked.values().removeIf(expiry -> expiry <= now);
        }
        if (revoked.size() < MAX_REVOKED) {
            revoked.put(session.nonce(), session.expiresAtEpochSecond());
        }
    }

    /** Constant-time check of a form's CSRF token against the session's. */
    public boolean csrfMatches(ConsoleSession session, String presented) {
        if (session == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The Set-Cookie header value that stores a session. */
    public String setCookie(String value, boolean secure) {
        long maxAge = settings.sessionTtl().getSeconds();
        Instant expires = clock.instant().plusSeconds(maxAge);
        return COOKIE + "=" + value + "; Path=" + PATH + "; Max-Age=" + maxAge + "; Expires="
                + COOKIE_DATE.format(expires) + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The Set-Cookie header value that removes the session cookie. */
    public String clearCookie(boolean secure) {
        return COOKIE + "=; Path=" + PATH + "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly;"
                + " SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Whether cookies get the Secure attribute for a request that came over {@code https} (or not). */
    public boolean secure(boolean requestIsHttps) {
        return switch (settings.secureCookie()) {
            case "always", "true" -> true;
            case "never", "false" -> false;
            default -> requestIsHttps;
        };
    }

    private byte[] hmac(String data) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(settings.adminToken().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] key = derive.doFinal("gemini-pool console session key v1".getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
