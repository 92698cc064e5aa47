package org.geminipool.testsupport;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generated fake Google API keys of every kind Google issues (design §3): standard {@code AIza…} keys (39 characters)
 * and auth keys {@code AQ.…} / {@code IQ.…} (another length, dot-separated). None is, or ever was, a real key. The one
 * generator every module's tests use, so every leak test covers every kind.
 */
public final class FakeKeys {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger KIND = new AtomicInteger();

    private FakeKeys() {
    }

    /** A standard key: AIza + 35 characters. */
    public static String standard() {
        return "AIza" + random(35);
    }

    /** An auth key: the prefix ({@code AQ.} or {@code IQ.}), 8 characters, a dot, 43 characters. */
    public static String auth(String prefix) {
        return prefix + random(8) + "." + random(43);
    }

    /** Successive calls cycle through the kinds: standard, AQ., IQ. */
    public static String anyKind() {
        return switch (KIND.getAndIncrement() % 3) {
            case 0 -> standard();
            case 1 -> auth("AQ.");
            default -> auth("IQ.");
        };
    }

    private static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
