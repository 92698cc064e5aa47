package org.geminipool.contract;

import java.util.regex.Pattern;

/**
 * The one pattern a model name must match before anything is leased, sent upstream or counted (design §6: bad input is
 * a 4xx, never a 5xx; §3: the client's fault is never the key's). Google's model ids are letters, digits, {@code .},
 * {@code -} and {@code _}, optionally prefixed {@code models/}; route aliases follow the same rule. The first character
 * is a letter or digit, so no name is a dot segment, and the whole name is at most {@link #MAX_LENGTH} characters (the
 * keypool's and usage-service's model columns hold 128).
 */
public final class ModelNames {

    public static final int MAX_LENGTH = 128;
    private static final Pattern NAME = Pattern.compile("(models/)?[A-Za-z0-9][A-Za-z0-9._-]*");

    private ModelNames() {
    }

    public static boolean valid(String name) {
        return name != null && name.length() <= MAX_LENGTH && NAME.matcher(name).matches();
    }

    /** The name without Google's {@code models/} prefix. */
    public static String bare(String name) {
        return name.startsWith("models/") ? name.substring("models/".length()) : name;
    }

    /** Why {@code name} is refused, for a 400 that shows the name safely. */
    public static String problem(String name) {
        return "invalid model name '" + shown(name) + "': a model name is 1-" + MAX_LENGTH
                + " characters of letters, digits, '.', '-' and '_' (optionally prefixed models/), starting with"
                + " a letter or digit";
    }

    /** The name as an error message may show it: printable ASCII only, at most 64 characters. */
    public static String shown(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length() && sb.length() < 64; i++) {
            char c = name.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
        }
        return name.length() > 64 ? sb + "…" : sb.toString();
    }
}
