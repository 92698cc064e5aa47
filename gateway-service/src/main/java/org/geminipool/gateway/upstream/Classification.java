package org.geminipool.gateway.upstream;

/** The outcome of one upstream answer, with the wait Google asked for (RetryInfo) when it gave one. */
public record Classification(Outcome outcome, Integer retryAfterSeconds) {

    public static Classification of(Outcome outcome) {
        return new Classification(outcome, null);
    }
}
