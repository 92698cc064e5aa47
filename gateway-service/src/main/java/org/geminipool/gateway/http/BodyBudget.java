package org.geminipool.gateway.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the gateway holds at once (GEMINI_POOL_MAX_BODY_BYTES_IN_FLIGHT), so that many large
 * bodies arriving together are refused (429, Retry-After) instead of exhausting the heap. A request reserves its
 * declared length (or the largest allowed body when it does not declare one) before a byte of the body is read, and
 * gives it back when its answer has ended or its connection closed.
 */
@ApplicationScoped
public class BodyBudget {

    @Inject
    GatewayConfig config;

    private final AtomicLong inFlight = new AtomicLong();

    /** True when {@code bytes} more fit; they are then reserved until {@link #release}. */
    public boolean tryReserve(long bytes) {
        long cap = config.maxBodyBytesInFlight().asLongValue();
        while (true) {
            long now = inFlight.get();
            // A body larger than the whole cap is still served when nothing else is in flight.
            if (now > 0 && now + bytes > cap) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        inFlight.addAndGet(-bytes);
    }

    /** Bytes reserved now (a metric and a test hook). */
    public long inFlight() {
        return inFlight.get();
    }
}
