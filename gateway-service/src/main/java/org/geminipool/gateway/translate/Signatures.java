package org.geminipool.gateway.translate;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Gemini 3 thought signatures carried inside a client-visible tool-call id, so that a client that only echoes the id
 * (Anthropic {@code tool_use.id}, OpenAI Responses {@code call_id}) sends the signature back without knowing it.
 * Format: {@code <prefix><16 hex>} or {@code <prefix><16 hex>_s<base64url(signature)>}; only characters
 * {@code [A-Za-z0-9_-]} (Anthropic's tool-id pattern).
 */
public final class Signatures {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MARK = "_s";

    private Signatures() {
    }

    /** A new id with {@code prefix} ({@code toolu_}, {@code call_}), carrying {@code signature} when not null. */
    public static String idWith(String prefix, String signature) {
        byte[] r = new byte[8];
        RANDOM.nextBytes(r);
        String id = prefix + HexFormat.of().formatHex(r);
        if (signature == null || signature.isEmpty()) {
            return id;
        }
        return id + MARK + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(signature.getBytes(StandardCharsets.UTF_8));
    }

    /** The signature an id made by {@link #idWith} carries, or null (an id of another origin, or none). */
    public static String of(String id) {
        if (id == null) {
            return null;
        }
        int at = id.indexOf(MARK);
        // prefix + 16 hex before the mark
        if (at < 16 || at + MARK.length() >= id.length()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(id.substring(at + MARK.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Google's documented stand-in for a signature it never issued ("skip_thought_signature_validator",
     * ai.google.dev/gemini-api/docs/thought-signatures): put on calls of a foreign history (ids this gateway did not
     * make — a conversation begun elsewhere), which Gemini 3 would otherwise refuse.
     */
    public static final String FOREIGN = "skip_thought_signature_validator";

    private static final java.util.regex.Pattern OURS = java.util.regex.Pattern.compile("[a-z]+_[0-9a-f]{16}(_s.*)?");

    /** The signature to send for a call with this id: its own, none for an id of ours without one, else FOREIGN. */
    public static String forCall(String id) {
        String own = of(id);
        if (own != null) {
            return own;
        }
        return id != null && OURS.matcher(id).matches() ? null : FOREIGN;
    }

    /** A short random id ({@code msg_…}, {@code resp_…}). */
    public static String randomId(String prefix) {
        byte[] r = new byte[16];
        RANDOM.nextBytes(r);
        return prefix + HexFormat.of().formatHex(r);
    }
}
