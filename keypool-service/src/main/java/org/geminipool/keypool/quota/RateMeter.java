package org.geminipool.keypool.quota;

/** Events per second over recent slots of 250 ms (a lease rate); synchronized, pure. */
public final class RateMeter {

    private long slotStartMs;
    private int slotCount;
    private double rate;

    public synchronized void note(long nowMs) {
        long elapsed = nowMs - slotStartMs;
        if (elapsed >= 250) {
            rate = slotCount * 1000.0 / elapsed;
            slotStartMs = nowMs;
            slotCount = 0;
        }
        slotCount++;
    }

    public synchronized double rate(long nowMs) {
        long elapsed = nowMs - slotStartMs;
        if (elapsed >= 250) {
            return slotCount * 1000.0 / elapsed;
        }
        return Math.max(rate, slotCount * 4.0);
    }
}
