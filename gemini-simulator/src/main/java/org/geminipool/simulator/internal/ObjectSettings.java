package org.geminipool.simulator.internal;

/**
 * The knobs of the object APIs (README "Project objects"): how many polls a job takes to finish, the batch limits, the
 * cache minimum. Google's values where it publishes them, otherwise the simulator's (small, so tests stay short).
 */
public final class ObjectSettings {

    private int batchPolls;
    private int operationPolls;
    private int interactionPolls;
    private int videoFilePolls;
    private int batchConcurrentLimit;
    private long batchEnqueuedTokenLimit;
    private int cacheMinTokens;
    private long keepBytesUpTo;
    private int liveSessions;
    private long liveGoAwayAfterMs;
    private long liveGoAwayNoticeMs;

    ObjectSettings() {
        reset();
    }

    synchronized void reset() {
        batchPolls = 2;
        operationPolls = 2;
        interactionPolls = 2;
        videoFilePolls = 1;
        batchConcurrentLimit = 100;
        batchEnqueuedTokenLimit = 10_000_000L;
        cacheMinTokens = 1024;
        keepBytesUpTo = 64L * 1024 * 1024;
        liveSessions = 3;
        liveGoAwayAfterMs = 9 * 60_000L;
        liveGoAwayNoticeMs = 60_000L;
    }

    /** Concurrent Live sessions per project (simulator choice: 3, the free tier's published figure of 2025). */
    public synchronized int liveSessions() {
        return liveSessions;
    }

    /** Milliseconds after setup when a Live session gets its goAway (Google: about 10 minutes per connection). */
    public synchronized long liveGoAwayAfterMs() {
        return liveGoAwayAfterMs;
    }

    /** The goAway's {@code timeLeft}: the session closes this many milliseconds after it. */
    public synchronized long liveGoAwayNoticeMs() {
        return liveGoAwayNoticeMs;
    }

    public synchronized void setLive(int sessions, long goAwayAfterMs, long noticeMs) {
        liveSessions = nonNegative(sessions, "sessions");
        if (goAwayAfterMs < 1 || noticeMs < 0) {
            throw new IllegalArgumentException("goAwayAfterMs >= 1 and noticeMs >= 0");
        }
        liveGoAwayAfterMs = goAwayAfterMs;
        liveGoAwayNoticeMs = noticeMs;
    }

    private static int nonNegative(int n, String name) {
        if (n < 0) {
            throw new IllegalArgumentException(name + " must be >= 0");
        }
        return n;
    }

    /** GETs of a batch before it is done (0: the first GET sees it done). */
    public synchronized int batchPolls() {
        return batchPolls;
    }

    public synchronized void setBatchPolls(int n) {
        batchPolls = nonNegative(n, "batchPolls");
    }

    /** GETs of a long-running operation before {@code done: true}. */
    public synchronized int operationPolls() {
        return operationPolls;
    }

    public synchronized void setOperationPolls(int n) {
        operationPolls = nonNegative(n, "operationPolls");
    }

    /** GETs of a background interaction before it completes. */
    public synchronized int interactionPolls() {
        return interactionPolls;
    }

    public synchronized void setInteractionPolls(int n) {
        interactionPolls = nonNegative(n, "interactionPolls");
    }

    /** files.get calls a video or audio upload stays PROCESSING. */
    public synchronized int videoFilePolls() {
        return videoFilePolls;
    }

    public synchronized void setVideoFilePolls(int n) {
        videoFilePolls = nonNegative(n, "videoFilePolls");
    }

    /** Pending or running batches a project may have (Google: 100 [P-apis]). */
    public synchronized int batchConcurrentLimit() {
        return batchConcurrentLimit;
    }

    /** Enqueued input tokens per project and quota model across its active batches. */
    public synchronized long batchEnqueuedTokenLimit() {
        return batchEnqueuedTokenLimit;
    }

    public synchronized void setBatchLimits(int concurrent, long enqueuedTokens) {
        batchConcurrentLimit = nonNegative(concurrent, "concurrent");
        if (enqueuedTokens < 0) {
            throw new IllegalArgumentException("enqueuedTokens must be >= 0");
        }
        batchEnqueuedTokenLimit = enqueuedTokens;
    }

    /** The smallest cache (Google: 1024 tokens on 3.5-flash-lite [C-cache]). */
    public synchronized int cacheMinTokens() {
        return cacheMinTokens;
    }

    public synchronized void setCacheMinTokens(int n) {
        cacheMinTokens = nonNegative(n, "cacheMinTokens");
    }

    /** Uploads up to this declared size keep their bytes in a temporary file (for JSONL batch input). */
    public synchronized long keepBytesUpTo() {
        return keepBytesUpTo;
    }

    public synchronized void setKeepBytesUpTo(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("keepBytesUpTo must be >= 0");
        }
        keepBytesUpTo = n;
    }
}
