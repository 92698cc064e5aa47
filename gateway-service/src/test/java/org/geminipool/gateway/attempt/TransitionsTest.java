package org.geminipool.gateway.attempt;

import org.geminipool.contract.Outcome;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.gateway.attempt.Transitions.Step;
import org.geminipool.gateway.quota.LeaseAnswer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attempt loop's transitions, one by one (the e2e tests drive them through real services). */
class TransitionsTest {

    static final LeaseAnswer GRANTED = new LeaseAnswer.Granted(new LeaseGrant("l", "1", "p", "AIzaFake", "m", null, false));
    static final LeaseAnswer REFUSED = new LeaseAnswer.Refused("MINUTE_EXHAUSTED", 12L);
    static final LeaseAnswer DOWN = new LeaseAnswer.Unavailable("connection refused");

    @Test
    void aTargetIsTriedWhileTheRouteAndTheBudgetLast() {
        assertEquals(Step.CALL, Transitions.beforeTarget(0, 2, 0, 3, false, false));
        assertEquals(Step.GIVE_UP, Transitions.beforeTarget(2, 2, 0, 3, false, false), "no target left");
        assertEquals(Step.GIVE_UP, Transitions.beforeTarget(1, 2, 3, 3, false, false), "attempts spent");
    }

    @Test
    void onceGoogleRefusedOurLocationOnlyOpenRouterTargetsAreTried() {
        assertEquals(Step.NEXT_TARGET, Transitions.beforeTarget(0, 2, 1, 3, false, true));
        assertEquals(Step.CALL, Transitions.beforeTarget(1, 2, 1, 3, true, true));
    }

    @Test
    void aLeaseAnswerDecidesBetweenCallingAndMovingOn() {
        assertEquals(Step.CALL, Transitions.afterLease(GRANTED, false));
        assertEquals(Step.NEXT_TARGET, Transitions.afterLease(REFUSED, false));
        assertEquals(Step.NEXT_TARGET, Transitions.afterLease(new LeaseAnswer.UnknownModel(), false));
        assertEquals(Step.NEXT_TARGET, Transitions.afterLease(DOWN, false));
        assertEquals(Step.CLIENT_ERROR, Transitions.afterLease(new LeaseAnswer.Invalid(400, "model must be…"), false));
    }

    @Test
    void aPreferredProjectThatCannotServeIsDroppedButNotWhenTheKeypoolIsDown() {
        assertEquals(Step.ANY_PROJECT, Transitions.afterLease(REFUSED, true));
        assertEquals(Step.CALL, Transitions.afterLease(GRANTED, true));
        assertEquals(Step.NEXT_TARGET, Transitions.afterLease(DOWN, true));
    }

    @Test
    void aRefusedKeyOrProjectIsFollowedByAnotherLeaseForTheSameTarget() {
        for (Outcome o : new Outcome[]{Outcome.INVALID_KEY, Outcome.PERMISSION_DENIED, Outcome.PROJECT_DENIED,
                Outcome.RATE_LIMITED, Outcome.QUOTA_EXHAUSTED_DAY, Outcome.MODEL_UNAVAILABLE, Outcome.MODEL_RETIRED,
                Outcome.BILLING_DEPLETED}) {
            assertEquals(Step.SAME_TARGET, Transitions.afterFailure(o, false, 0, 2), o.name());
        }
    }

    @Test
    void transientErrorsHaveTheirOwnBudget() {
        assertEquals(Step.SAME_TARGET, Transitions.afterFailure(Outcome.UPSTREAM_ERROR, false, 2, 2));
        assertEquals(Step.GIVE_UP, Transitions.afterFailure(Outcome.UPSTREAM_ERROR, false, 3, 2));
        assertEquals(Step.GIVE_UP, Transitions.afterFailure(Outcome.OVERLOADED, true, 3, 2));
        assertTrue(Transitions.transientFailure(Outcome.OVERLOADED));
        assertFalse(Transitions.transientFailure(Outcome.RATE_LIMITED));
    }

    @Test
    void openRouterHasOneKeyAndGoogleOurEgressIsNotAKeysFault() {
        assertEquals(Step.NEXT_TARGET, Transitions.afterFailure(Outcome.RATE_LIMITED, true, 0, 2));
        assertEquals(Step.SAME_TARGET, Transitions.afterFailure(Outcome.UPSTREAM_ERROR, true, 1, 2));
        assertEquals(Step.NEXT_TARGET, Transitions.afterFailure(Outcome.LOCATION_UNSUPPORTED, false, 0, 2));
    }

    @Test
    void noLongerAvailableSpendsNoAttemptUpToItsBound() {
        assertFalse(Transitions.spendsAttempt(Outcome.MODEL_RETIRED, 0, 32));
        assertFalse(Transitions.spendsAttempt(Outcome.MODEL_RETIRED, 31, 32));
        assertTrue(Transitions.spendsAttempt(Outcome.MODEL_RETIRED, 32, 32));
        assertTrue(Transitions.spendsAttempt(Outcome.INVALID_KEY, 0, 32));
    }
}
