package org.geminipool.gateway.console.session;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.console.ConsoleSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed console logins per source address: each failure is answered a little later than the one before, and after
 * GEMINI_POOL_CONSOLE_LOGIN_MAX_FAILURES failures within GEMINI_POOL_CONSOLE_LOGIN_WINDOW every login attempt from that
 * source (right or wrong) is refused with 429 and Retry-After until the oldest failure leaves the window. Per replica,
 * in memory; the table of sources is bounded, so a flood of addresses cannot grow it without limit.
 */
@ApplicationScoped
public class LoginThrottle {

    /** Most sources tracked at once; when full, sources whose failures all left the window are dropped first. */
    static final int MAX_SOURCES = 10_000;
    /** Added to a failed login's answer per failure already counted in the window (at most 5 steps). */
    static final Duration STEP = Duration.ofMillis(200);

    @Inject
    ConsoleSettings settings;

    Clock clock = Clock.systemUTC();
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    /** Seconds until {@code source} may try again; 0 when it may try now. */
    public long retryAfterSeconds(String source) {
        Deque<Long> times = failures.get(key(source));
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            long now = clock.millis();
            prune(times, now);
            if (times.size() < settings.loginMaxFailures()) {
                return 0;
            }
            long freeAt = times.peekFirst() + settings.loginWindow().toMillis();
            return Math.max(1, (freeAt - now + 999) / 1000);
        }
    }

    /** Counts a failed login; answers how long to hold back its answer (longer with each failure in the window). */
    public Duration failed(String source) {
        long now = clock.millis();
        if (failures.size() >= MAX_SOURCES) {
            failures.values().removeIf(times -> {
                synchronized (times) {
                    prune(times, now);
                    return times.isEmpty();
                }
            });
        }
        Deque<Long> times = failures.size() >= MAX_SOURCES ? failures.get(key(source))
                : failures.computeIfAbsent(key(source), k -> new ArrayDeque<>());
        if (times == null) {
            // The table is full of sources that are all still failing: hold this one back the longest.
            return STEP.multipliedBy(5);
        }
        synchronized (times) {
            prune(times, now);
            int before = times.size();
            if (before < settings.loginMaxFailures()) {
                times.addLast(now);
            }
            return STEP.multipliedBy(Math.min(5, before + 1));
        }
    }

    /** A good login clears its source's failures. */
    public void succeeded(String source) {
        failures.remove(key(source));
    }

    private void prune(Deque<Long> times, long now) {
        long oldest = now - settings.loginWindow().toMillis();
        while (!times.isEmpty() && times.peekFirst() <= oldest) {
            times.pollFirst();
        }
    }

    private static String key(String source) {
        return source == null ? "unknown" : source;
    }
}
