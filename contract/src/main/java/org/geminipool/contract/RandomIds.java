package org.geminipool.contract;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Version-4 UUIDs for request, lease and usage-event ids from {@link ThreadLocalRandom}. These ids only need to be
 * unique, not unguessable (every endpoint that takes one also wants a token), and {@link UUID#randomUUID()} draws from
 * one shared SecureRandom behind a lock: on the request path, event loops queued on it for milliseconds.
 */
public final class RandomIds {

    private RandomIds() {
    }

    public static String uuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long high = (r.nextLong() & ~0xF000L) | 0x4000L;               // version 4
        long low = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }
}
