package org.geminipool.gateway.routing;

import java.util.List;
import java.util.Locale;

/**
 * The entries of a rule's {@code models:} list: an exact name or alias, or a pattern with {@code *} (any characters),
 * matched case-insensitively — {@code claude-*haiku*} claims every haiku-class Claude name a client sends
 * (issue 20: Claude Code works without renaming anything). Patterns are not aliases: they are not listed as models.
 */
public final class ModelPatterns {

    private ModelPatterns() {
    }

    public static boolean isPattern(String entry) {
        return entry.indexOf('*') >= 0;
    }

    public static boolean anyMatches(List<String> entries, String model) {
        if (model == null) {
            return false;
        }
        for (String e : entries) {
            if (isPattern(e) ? matches(e.toLowerCase(Locale.ROOT), model.toLowerCase(Locale.ROOT)) : e.equals(model)) {
                return true;
            }
        }
        return false;
    }

    /** Glob with {@code *} only (no backtracking blow-up: greedy segment search, linear in practice). */
    static boolean matches(String pattern, String s) {
        String[] pieces = pattern.split("\\*", -1);
        int at = 0;
        for (int i = 0; i < pieces.length; i++) {
            String piece = pieces[i];
            if (i == 0) {
                if (!s.startsWith(piece)) {
                    return false;
                }
                at = piece.length();
            } else if (i == pieces.length - 1) {
                return s.length() - at >= piece.length() && s.endsWith(piece);
            } else {
                int found = s.indexOf(piece, at);
                if (found < 0) {
                    return false;
                }
                at = found + piece.length();
            }
        }
        return at == s.length();
    }
}
