package org.geminipool.gateway.live;

import org.geminipool.contract.ApiKeys;
import org.geminipool.contract.Outcome;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What Google's close of a Live session before {@code setupComplete} means (pure, unit-tested). Live errors are close
 * frames — a code and a reason holding Google's error message — so the design §3 table is applied to the message:
 * the key texts (API_KEY_INVALID's three, "reported as leaked", the 401 text) ban the key, project texts (suspended,
 * denied) the project, "are blocked" is PERMISSION_DENIED; 1011 with the quota text is the project's concurrent-session
 * limit (learned by the keypool, settled OVERLOADED: it says nothing about the key or the minute bucket); 1011 otherwise,
 * 1006 (no close frame), 1001/1012/1013 are the upstream's trouble; anything else (a bad setup 1007, an unknown model
 * or a foreign resumption handle 1008) is the client's request, closed to it as Google said.
 */
public final class LiveCloses {

    /** The verdict: the lease's outcome, and whether Google refused one more session of the project. */
    public record Verdict(Outcome outcome, boolean sessionLimit, String message) {
    }

    /** A close frame's reason holds at most 123 bytes. */
    public static final int MAX_REASON_BYTES = 123;

    private LiveCloses() {
    }

    public static Verdict classify(int code, String reason) {
        String message = reason == null ? "" : ApiKeys.scrub(reason);
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("api key not valid") || text.contains("api key not found") || text.contains("api key expired")
                || text.contains("reported as leaked") || text.contains("invalid authentication credentials")
                || text.contains("api_key_invalid")) {
            return new Verdict(Outcome.INVALID_KEY, false, message);
        }
        if (text.contains("has been suspended") || text.contains("project has been denied access")
                || text.contains("service_disabled") || text.contains("has not been used in project")) {
            return new Verdict(Outcome.PROJECT_DENIED, false, message);
        }
        if (text.contains("are blocked") || text.contains("api_key_service_blocked")) {
            return new Verdict(Outcome.PERMISSION_DENIED, false, message);
        }
        if (text.contains("location is not supported")) {
            return new Verdict(Outcome.LOCATION_UNSUPPORTED, false, message);
        }
        if (text.contains("prepayment credits are depleted")) {
            return new Verdict(Outcome.BILLING_DEPLETED, false, message);
        }
        if (code == 1011 && (text.contains("quota") || text.contains("resource_exhausted")
                || text.contains("concurrent sessions") || text.contains("resource has been exhausted"))) {
            return new Verdict(Outcome.OVERLOADED, true, message);
        }
        if (text.contains("high demand") || text.contains("overloaded") || code == 1013) {
            return new Verdict(Outcome.OVERLOADED, false, message);
        }
        if (code == 1011 || code == 1006 || code == 1001 || code == 1012 || code == 1014) {
            return new Verdict(Outcome.UPSTREAM_ERROR, false, message);
        }
        return new Verdict(Outcome.CLIENT_ERROR, false, message);
    }

    /** {@code text} cut to what a close frame can carry (whole UTF-8 characters). */
    public static String reason(String text) {
        if (text == null) {
            return "";
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_REASON_BYTES) {
            return text;
        }
        String r = new String(b, 0, MAX_REASON_BYTES, StandardCharsets.UTF_8);
        while (r.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES || r.endsWith("\uFFFD")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    /**
     * The close code to send a client: Google's when it is one a peer may send (1000-1003, 1007-1014, 3000-4999), else
     * 1011 (1005/1006/1015 are reserved for "none received").
     */
    public static short clientCode(Short code) {
        if (code == null) {
            return 1011;
        }
        int c = code;
        boolean sendable = (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
        return (short) (sendable ? c : 1011);
    }
}
