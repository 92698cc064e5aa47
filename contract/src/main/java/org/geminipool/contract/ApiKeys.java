package org.geminipool.contract;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Google API key may look like, how it is shown, and how it is scrubbed from free text (design §3, §6).
 * Google issues several kinds — standard keys ({@code AIza…}), auth keys ({@code AQ.…}, also reported as {@code IQ.…})
 * — and may add more, so nothing here pins a prefix or a length: a key is any run of visible ASCII without whitespace,
 * of a sane length. The scrubber knows the prefixes Google uses today and, when given it, the exact key of the call.
 */
public final class ApiKeys {

    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 512;

    /**
     * Key-shaped tokens of every kind Google issues today: {@code AIza} + 20 or more of [A-Za-z0-9_-], and the
     * two-letter-dot auth-key prefixes ({@code AQ.}, {@code IQ.}) + 20 or more of [A-Za-z0-9_.-] (a sentence's
     * closing dot is not taken).
     */
    private static final Pattern KEY_SHAPED = Pattern.compile("AIza[0-9A-Za-z_\\-]{20,}|\\b[AI]Q\\.[0-9A-Za-z_.\\-]{19,}[0-9A-Za-z_\\-]");

    private ApiKeys() {
    }

    /** Why {@code key} cannot be a key (whitespace or control characters inside, absurd length), or null when it can. */
    public static String problem(String key) {
        if (key == null || key.isEmpty()) {
            return "empty key";
        }
        if (key.length() < MIN_LENGTH) {
            return "too short to be an API key (" + key.length() + " characters; at least " + MIN_LENGTH + ")";
        }
        if (key.length() > MAX_LENGTH) {
            return "too long to be an API key (" + key.length() + " characters; at most " + MAX_LENGTH + ")";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isWhitespace(c)) {
                return "whitespace inside the key (position " + (i + 1) + ")";
            }
            if (c < 0x21 || c > 0x7e) {
                return "a control or non-ASCII character inside the key (position " + (i + 1) + ")";
            }
        }
        return null;
    }

    /** The display form: the first four and last four characters ({@code AIza…wXyZ}, {@code AQ.A…wXyZ}). */
    public static String mask(String key) {
        if (key == null || key.length() < 12) {
            return "…";
        }
        return key.substring(0, 4) + "…" + key.substring(key.length() - 4);
    }

    /** Free text with every key-shaped token masked. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        Matcher m = KEY_SHAPED.matcher(text);
        if (!m.find()) {
            return text;
        }
        return m.replaceAll(r -> Matcher.quoteReplacement(mask(r.group())));
    }

    /** Free text with {@code knownKey} (the key of the call, of whatever kind) and every key-shaped token masked. */
    public static String scrub(String text, String knownKey) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (knownKey != null && knownKey.length() >= MIN_LENGTH && out.contains(knownKey)) {
            out = out.replace(knownKey, mask(knownKey));
        }
        return scrub(out);
    }
}
