package org.geminipool.gateway.attempt;

import org.geminipool.contract.Outcome;
import org.geminipool.gateway.quota.LeaseAnswer;

/**
 * The attempt loop's decisions as pure functions (issue 16: the transitions unit-tested where they live): which step
 * follows a route target, a keypool answer and a failed upstream attempt. {@link AttemptLoop} carries them out.
 */
public final class Transitions {

    private Transitions() {
    }

    /** What the loop does next. */
    public enum Step {
        /** Lease again for the same target (the keypool already knows what the last answer taught). */
        SAME_TARGET,
        /** The route's next target. */
        NEXT_TARGET,
        /** Lease for the same target without the preferred project (a chain's project that cannot serve now). */
        ANY_PROJECT,
        /** Call the upstream with the lease. */
        CALL,
        /** The keypool found the request itself invalid: a 400, no upstream call. */
        CLIENT_ERROR,
        /** Stop: answer with what the attempts left (429 with Retry-After, 502, …). */
        GIVE_UP
    }

    /** Before a target: the budget, and Google targets once Google refused this gateway's location. */
    public static Step beforeTarget(int index, int targets, int attempts, int maxAttempts, boolean openRouter,
                                    boolean googleRefusedLocation) {
        if (index >= targets || attempts >= maxAttempts) {
            return Step.GIVE_UP;
        }
        if (!openRouter && googleRefusedLocation) {
            return Step.NEXT_TARGET;
        }
        return Step.CALL;
    }

    /** After the keypool's answer to a lease. */
    public static Step afterLease(LeaseAnswer answer, boolean preferredProject) {
        if (answer instanceof LeaseAnswer.Granted) {
            return Step.CALL;
        }
        if (preferredProject && !(answer instanceof LeaseAnswer.Unavailable)) {
            return Step.ANY_PROJECT;
        }
        if (answer instanceof LeaseAnswer.Invalid) {
            return Step.CLIENT_ERROR;
        }
        return Step.NEXT_TARGET; // refused, unknown model, keypool unreachable: the route moves on
    }

    /**
     * A "no longer available" 404 spends no attempt (up to {@code maxUncounted} per request): Google counted
     * nothing, and a pool of many new projects must reach the legacy project that still serves the model.
     */
    public static boolean spendsAttempt(Outcome outcome, int retiredAnswersBefore, int maxUncounted) {
        return !(outcome == Outcome.MODEL_RETIRED && retiredAnswersBefore < maxUncounted);
    }

    /** A transient upstream failure (5xx, timeout, overloaded): counted against its own retry budget. */
    public static boolean transientFailure(Outcome outcome) {
        return outcome == Outcome.UPSTREAM_ERROR || outcome == Outcome.OVERLOADED;
    }

    /**
     * After a failed upstream attempt (already reported to the keypool). {@code upstreamErrors} counts this one when
     * it was transient.
     */
    public static Step afterFailure(Outcome outcome, boolean openRouter, int upstreamErrors, int maxUpstreamErrorRetries) {
        if (transientFailure(outcome) && upstreamErrors > maxUpstreamErrorRetries) {
            return Step.GIVE_UP;
        }
        if (openRouter) {
            // One OpenRouter key: a refusal ends this target; a transient error may be retried within the budget.
            return transientFailure(outcome) ? Step.SAME_TARGET : Step.NEXT_TARGET;
        }
        if (outcome == Outcome.LOCATION_UNSUPPORTED) {
            return Step.NEXT_TARGET; // our egress, not a key: no other Google key is tried
        }
        // A ban, a parked model, a learned limit: the same target again gets another project, or a refusal.
        return Step.SAME_TARGET;
    }
}
