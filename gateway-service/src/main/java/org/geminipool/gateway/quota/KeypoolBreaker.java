package org.geminipool.gateway.quota;

/**
 * The circuit breaker of the keypool calls on the request path: over the last {@code window} calls, when at least
 * {@code failureRatio} of them failed, the breaker opens for {@code openMillis}, then lets one call through (half
 * open); that call's result closes or re-opens it. Only real keypool failures count (no answer, 5xx, a refused
 * internal token), never a 4xx about one client's request. A few lines instead of SmallRye's interceptor chain because
 * it sits on every request (the interceptors were a measured share of the gateway's CPU, bench/gateway/README.md).
 */
public final class KeypoolBreaker {

    private final boolean[] results;
    private final int threshold;
    private final long openMillis;
    private int next;
    private int recorded;
    private int failures;
    private long openUntil;
    private boolean halfOpenCallOut;

    public KeypoolBreaker(int window, double failureRatio, long openMillis) {
        this.results = new boolean[window];
        this.threshold = (int) Math.ceil(window * failureRatio);
        this.openMillis = openMillis;
    }

    /** True when a call may go out now. */
    public synchronized boolean allow(long nowMillis) {
        if (openUntil == 0) {
            return true;
        }
        if (nowMillis < openUntil || halfOpenCallOut) {
            return false;
        }
        halfOpenCallOut = true;
        return true;
    }

    public synchronized void success() {
        if (openUntil != 0) {
            reset();
            return;
        }
        record(false);
    }

    public synchronized void failure(long nowMillis) {
        if (openUntil != 0) {
            openUntil = nowMillis + openMillis; // the half-open call failed too
            halfOpenCallOut = false;
            return;
        }
        record(true);
        if (recorded == results.length && failures >= threshold) {
            openUntil = nowMillis + openMillis;
            halfOpenCallOut = false;
        }
    }

    public synchronized boolean open(long nowMillis) {
        return openUntil != 0 && (nowMillis < openUntil || halfOpenCallOut);
    }

    private void record(boolean failed) {
        if (recorded == results.length) {
            if (results[next]) {
                failures--;
            }
        } else {
            recorded++;
        }
        results[next] = failed;
        if (failed) {
            failures++;
        }
        next = (next + 1) % results.length;
    }

    private void reset() {
        openUntil = 0;
        halfOpenCallOut = false;
        recorded = 0;
        failures = 0;
        next = 0;
    }
}
