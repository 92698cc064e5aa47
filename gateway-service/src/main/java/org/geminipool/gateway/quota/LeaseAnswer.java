package org.geminipool.gateway.quota;

import org.geminipool.contract.lease.LeaseGrant;
/** What the keypool said to a lease request. */
public sealed interface LeaseAnswer {

    /** A key to call with. */
    record Granted(LeaseGrant grant) implements LeaseAnswer {
    }

    /** No key can serve this (pool, model) now; one frees up in {@code retryAfterSeconds}. */
    record Refused(String reason, long retryAfterSeconds) implements LeaseAnswer {
    }

    /** The keypool knows no such model. */
    record UnknownModel() implements LeaseAnswer {
    }

    /**
     * The keypool refused the request itself as invalid (a 4xx other than 401/403/429): the caller's input, answered
     * to the client as a 400. A keypool that answers is up, so this is no failure of the keypool's circuit breaker.
     */
    record Invalid(int status, String why) implements LeaseAnswer {
    }

    /** The keypool did not answer (down, timing out, circuit open, misconfigured token). */
    record Unavailable(String why) implements LeaseAnswer {
    }
}
