package org.geminipool.common.upstream;

import org.geminipool.contract.Outcome;
import java.util.List;

/**
 * The outcome of one upstream answer, with what Google said about it: the wait it asked for (RetryInfo), the quota
 * violations it listed (to learn limits from), and its message (already scrubbed of keys) for reasons and logs.
 */
public record Classification(Outcome outcome, Integer retryAfterSeconds, List<QuotaViolation> violations,
                             String message) {

    public Classification {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    public static Classification of(Outcome outcome) {
        return new Classification(outcome, null, List.of(), null);
    }

    public static Classification of(Outcome outcome, String message) {
        return new Classification(outcome, null, List.of(), message);
    }
}
