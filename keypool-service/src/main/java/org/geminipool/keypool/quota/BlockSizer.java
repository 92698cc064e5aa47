package org.geminipool.keypool.quota;

/**
 * How many quota units one replica reserves in one statement (issue 16, after Doorman's capacity leases and Envoy's
 * global limiter: the shared store is asked rarely, the local share is small next to what is left). Pure arithmetic:
 * <ul>
 *   <li>the block covers {@code holdSeconds} of this replica's observed rate on the bucket, at least {@link #FLOOR},
 *       at most {@code max}: a low rate must not mean a commit per lease (each slow commit lowers the rate, which
 *       shrinks the block: the floor breaks that loop), and idle units go back after the idle interval anyway;</li>
 *   <li>for every window with a known limit it is at most 1/{@link #SHARE} of what is left in it, so near a limit the
 *       block is 1 and small free-tier buckets (5 rpm, 20 rpd) are reserved one call at a time: nothing is held idle
 *       by one replica while another needs it;</li>
 *   <li>a known input-token limit counts as one more window, in units of the tokens a lease takes
 *       ({@link #leftUnits}): the block reserves that allowance with its units, so the limit stays exact.</li>
 * </ul>
 */
public final class BlockSizer {

    /** A replica's block is at most this fraction of what is left in a window. */
    public static final long SHARE = 16;

    /** The smallest block where every window has room for it (what is left ≥ FLOOR × SHARE). */
    public static final int FLOOR = 16;

    private BlockSizer() {
    }

    /**
     * @param ratePerSecond this replica's recent leases per second on the bucket
     * @param left          per window with a known limit, the units left in it (limit − used), else null
     */
    public static int size(double ratePerSecond, double holdSeconds, int max, Long... left) {
        if (max <= 1) {
            return 1;
        }
        double wanted = Math.ceil(Math.max(0, ratePerSecond) * holdSeconds);
        long k = (long) Math.max(Math.min(FLOOR, max), Math.min(max, wanted));
        for (Long l : left) {
            if (l != null) {
                k = Math.min(k, Math.max(1, l / SHARE));
            }
        }
        return (int) k;
    }

    /** Leases of {@code perLease} tokens that fit under {@code limit} after {@code used}; null when it is unknown. */
    public static Long leftUnits(Limit limit, long used, long perLease) {
        Long left = left(limit, used);
        return left == null ? null : left / Math.max(1, perLease);
    }

    /** Units left under {@code limit} after {@code used}; null when the limit is unknown. */
    public static Long left(Limit limit, long used) {
        return limit.value() == null ? null : Math.max(0, limit.value() - used);
    }
}
