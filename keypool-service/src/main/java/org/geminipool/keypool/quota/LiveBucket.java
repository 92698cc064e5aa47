package org.geminipool.keypool.quota;

/**
 * This replica's view of one (project, quota model) bucket between database reads: the counts as far as it knows them
 * (its own reservations added, refreshed from the row whenever it is read) and the block it holds — units already
 * counted in the row's minute and day windows and not yet handed out. Every method is synchronized on the bucket; the
 * arithmetic is pure (no I/O) and unit-tested.
 *
 * <p>Where the input-token limit is known, a block also carries a token allowance counted in the row's token window
 * with it: a lease is served from the block only while its estimate fits the allowance, so the limit stays exact
 * without a statement per call; what is left of the allowance goes back with the block's units.
 */
public final class LiveBucket {

    /**
     * Units to hand back to the row: {@code units} from minute {@code minute} and day {@code day}; tokens to add to
     * the token window {@code tokensMinute} (negative: a block's unused allowance).
     */
    public record GiveBack(long minute, int day, long units, long tokensMinute, long tokens) {
        public boolean isEmpty() {
            return units == 0 && tokens == 0;
        }
    }

    private long minuteWindow;
    private long minuteUsed;
    private int dayWindow;
    private long dayUsed;
    private long tpmWindow;
    private long tpmUsed;

    private long blockMinute = -1;
    private int blockDay = -1;
    private long blockLeft;
    /** Tokens of the block's allowance not handed out yet (counted in the row's token window {@code blockMinute}). */
    private long blockTokens;
    /** A running mean of the leases' token estimates: the allowance a block takes per unit. */
    private double meanTokens;
    private long lastUseMs;
    /** Units of blocks from windows that ended, still counted in their day. */
    private long staleUnits;
    private long staleMinute = -1;
    private int staleDay = -1;
    private long pendingTokens;
    private long pendingTokensMinute = -1;

    private volatile boolean exists;
    /** The Pacific day of the last probe above a provisional limit per window (bit 1 RPM, 2 RPD, 4 TPM), as known here. */
    private final int[] probeDays = {-1, -1, -1};

    /** The limits last resolved for this bucket (see {@link ResolvedLimits}); racing writers store equal values. */
    private volatile ResolvedLimits resolved;

    private long slotStartMs;
    private int slotCount;
    private double rate;

    public synchronized void observed(long minuteWindow, long minuteUsed, int dayWindow, long dayUsed, long tpmWindow,
                                      long tpmUsed) {
        if (minuteWindow >= this.minuteWindow) {
            this.minuteWindow = minuteWindow;
            this.minuteUsed = minuteUsed;
        }
        if (dayWindow >= this.dayWindow) {
            this.dayWindow = dayWindow;
            this.dayUsed = dayUsed;
        }
        if (tpmWindow >= this.tpmWindow) {
            this.tpmWindow = tpmWindow;
            this.tpmUsed = tpmUsed + (pendingTokensMinute == tpmWindow ? pendingTokens : 0);
        }
    }

    /** Probes of {@code mask} made (or seen in the row) on {@code day}. */
    public synchronized void probed(int mask, int day) {
        for (int bit = 0; bit < 3; bit++) {
            if ((mask & (1 << bit)) != 0) {
                probeDays[bit] = Math.max(probeDays[bit], day);
            }
        }
    }

    /** The later of the stored probe day and the one known here, for window bit 0 RPM, 1 RPD, 2 TPM. */
    public synchronized int probeDay(int bit, int stored) {
        return Math.max(stored, probeDays[bit]);
    }

    /** The real prompt tokens replace a lease's estimate in the token window it counted in (if still current). */
    public synchronized void correctTokens(long minute, long delta) {
        if (tpmWindow == minute) {
            tpmUsed = Math.max(0, tpmUsed + delta);
        }
    }

    public ResolvedLimits resolved() {
        return resolved;
    }

    public void resolved(ResolvedLimits limits) {
        resolved = limits;
    }

    /** The row is known to exist (created by this replica). */
    public boolean exists() {
        return exists;
    }

    public void markExists() {
        exists = true;
    }

    public synchronized long minuteUsedIn(long minute) {
        return minuteWindow >= minute ? minuteUsed : 0;
    }

    public synchronized long dayUsedIn(int day) {
        return dayWindow >= day ? dayUsed : 0;
    }

    public synchronized long tokensUsedIn(long minute) {
        return tpmWindow >= minute ? tpmUsed : 0;
    }

    /** Units of the block valid in (minute, day), 0 when none. */
    public synchronized long blockLeft(long minute, int day) {
        return blockMinute == minute && blockDay == day ? blockLeft : 0;
    }

    /** One lease from the block (tokens unchecked: no input-token limit is known). */
    public synchronized boolean take(long minute, int day, long tokens, long nowMs) {
        return take(minute, day, tokens, nowMs, false);
    }

    /**
     * One lease from the block when it is for (minute, day) and has a unit left. Its tokens come out of the block's
     * allowance; with {@code exactTokens} (a known input-token limit) a lease whose estimate does not fit is refused
     * here (the caller reserves in the row), otherwise the excess is added to the row later.
     */
    public synchronized boolean take(long minute, int day, long tokens, long nowMs, boolean exactTokens) {
        if (blockMinute != minute || blockDay != day || blockLeft <= 0) {
            return false;
        }
        long excess = Math.max(0, tokens - blockTokens);
        if (excess > 0 && exactTokens) {
            return false;
        }
        blockLeft--;
        blockTokens -= tokens - excess;
        lastUseMs = nowMs;
        if (excess > 0) {
            if (pendingTokensMinute != minute) {
                pendingTokens = 0;
                pendingTokensMinute = minute;
            }
            pendingTokens += excess;
            addTokens(minute, excess);
        }
        noteTokens(tokens);
        note(nowMs);
        return true;
    }

    /** The token allowance a block takes per unit: this lease's estimate or the recent mean, whichever is larger. */
    public synchronized long tokensPerLease(long tokens) {
        return Math.max(tokens, (long) Math.ceil(meanTokens));
    }

    private void noteTokens(long tokens) {
        meanTokens = meanTokens == 0 ? tokens : 0.8 * meanTokens + 0.2 * tokens;
    }

    /** {@code k} units (one for this lease, k − 1 into the block) and {@code tokens} were counted in the row. */
    public synchronized void reserved(long minute, int day, int k, long tokens, long nowMs) {
        reserved(minute, day, k, tokens, 0, nowMs);
    }

    /**
     * {@code k} units and {@code tokens + allowance} tokens were counted in the row: {@code tokens} for this lease,
     * the allowance for the k − 1 leases of the block.
     */
    public synchronized void reserved(long minute, int day, int k, long tokens, long allowance, long nowMs) {
        if (minuteWindow != minute) {
            minuteWindow = Math.max(minuteWindow, minute);
            minuteUsed = minuteWindow == minute ? 0 : minuteUsed;
        }
        if (minuteWindow == minute) {
            minuteUsed += k;
        }
        if (dayWindow != day) {
            dayWindow = Math.max(dayWindow, day);
            dayUsed = dayWindow == day ? 0 : dayUsed;
        }
        if (dayWindow == day) {
            dayUsed += k;
        }
        long extra = k > 1 ? Math.max(0, allowance) : 0;
        addTokens(minute, tokens + extra);
        if (k > 1) {
            if (blockMinute == minute && blockDay == day) {
                blockLeft += k - 1;
                blockTokens += extra;
            } else {
                retireBlock();
                blockMinute = minute;
                blockDay = day;
                blockLeft = k - 1;
                blockTokens = extra;
            }
        }
        lastUseMs = nowMs;
        noteTokens(tokens);
        note(nowMs);
    }

    private void addTokens(long minute, long tokens) {
        if (tpmWindow != minute) {
            tpmWindow = Math.max(tpmWindow, minute);
            tpmUsed = tpmWindow == minute ? 0 : tpmUsed;
        }
        if (tpmWindow == minute) {
            tpmUsed += tokens;
        }
    }

    private void retireBlock() {
        if (blockTokens > 0) {
            // The allowance left goes back while its minute can still be corrected; an older one has ended anyway.
            if (pendingTokensMinute == blockMinute || pendingTokens == 0 || pendingTokensMinute < blockMinute) {
                if (pendingTokensMinute != blockMinute) {
                    pendingTokens = 0;
                    pendingTokensMinute = blockMinute;
                }
                pendingTokens -= blockTokens;
                if (tpmWindow == blockMinute) {
                    tpmUsed = Math.max(0, tpmUsed - blockTokens);
                }
            }
            blockTokens = 0;
        }
        if (blockLeft > 0) {
            if (staleDay != blockDay || staleMinute != blockMinute) {
                // one stale block is tracked: an older one's units stay counted (the safe direction: under, never over)
                staleUnits = 0;
            }
            staleUnits += blockLeft;
            staleMinute = blockMinute;
            staleDay = blockDay;
        }
        blockLeft = 0;
        blockMinute = -1;
        blockDay = -1;
    }

    /** The leases per second this replica served from the bucket lately (slots of 250 ms). */
    public synchronized double rate(long nowMs) {
        long elapsed = nowMs - slotStartMs;
        if (elapsed >= 250) {
            return slotCount * 1000.0 / elapsed;
        }
        return Math.max(rate, slotCount * 4.0);
    }

    private void note(long nowMs) {
        long elapsed = nowMs - slotStartMs;
        if (elapsed >= 250) {
            rate = slotCount * 1000.0 / elapsed;
            slotStartMs = nowMs;
            slotCount = 0;
        }
        slotCount++;
    }

    /**
     * What to hand back now: a block idle for {@code idleMs} or of a window that ended (its units still count in the
     * row's minute and day), and the tokens of leases served from blocks. The local counts drop accordingly.
     */
    public synchronized GiveBack drain(long nowMs, long idleMs, long currentMinute, boolean all) {
        if ((blockLeft > 0 || blockTokens > 0) && (all || nowMs - lastUseMs >= idleMs || blockMinute != currentMinute)) {
            retireBlock();
        }
        long units = staleUnits;
        long minute = staleMinute;
        int day = staleDay;
        staleUnits = 0;
        staleMinute = -1;
        staleDay = -1;
        if (units > 0) {
            if (minuteWindow == minute) {
                minuteUsed = Math.max(0, minuteUsed - units);
            }
            if (dayWindow == day) {
                dayUsed = Math.max(0, dayUsed - units);
            }
        }
        long tokens = pendingTokens;
        long tokensMinute = pendingTokensMinute;
        pendingTokens = 0;
        pendingTokensMinute = -1;
        return new GiveBack(minute, day, units, tokensMinute, tokens);
    }

    public synchronized boolean holding() {
        return blockLeft > 0 || blockTokens > 0 || staleUnits > 0 || pendingTokens != 0;
    }
}
