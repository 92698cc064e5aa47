package org.geminipool.keypool.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.geminipool.keypool.TestKeys;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.geminipool.keypool.TestKeys.admin;
import static org.geminipool.keypool.TestKeys.importKeys;
import static org.geminipool.keypool.TestKeys.internal;
import static org.geminipool.keypool.TestKeys.lease;
import static org.geminipool.keypool.TestKeys.outcome;
import static org.geminipool.keypool.TestKeys.quota;
import static org.geminipool.keypool.TestKeys.rawKey;
import static org.geminipool.keypool.TestKeys.unique;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;

/** POST /leases/{id}/outcome: one test per row of the design §3 classification table, and settling rules. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
class OutcomeTest {

    @Inject
    TimeSource time;

    private record Setup(String pool, String model, String keyId, String project) {
    }

    /** One key in its own project and pool, with a fresh model of generous limits. */
    private Setup setup() {
        String pool = unique("p");
        String model = unique("m");
        String project = unique("proj");
        quota(model, 50, 500);
        String id = importKeys(pool, rawKey() + " project=" + project).get(0);
        return new Setup(pool, model, id, project);
    }

    private String leaseId(Setup s) {
        return lease(s.pool, s.model).then().statusCode(200).extract().path("leaseId");
    }

    private void keyState(Setup s, String state, int streak) {
        admin().get("/admin/keys/" + s.keyId).then().statusCode(200)
                .body("state", equalTo(state)).body("failureStreak", equalTo(streak));
    }

    @Test
    void successResetsTheFailureStreak() {
        Setup s = setup();
        outcome(leaseId(s), Map.of("outcome", "UPSTREAM_ERROR"), 204);
        outcome(leaseId(s), Map.of("outcome", "UPSTREAM_ERROR"), 204);
        keyState(s, "ACTIVE", 2);
        outcome(leaseId(s), Map.of("outcome", "SUCCESS", "promptTokens", 10, "completionTokens", 5), 204);
        keyState(s, "ACTIVE", 0);
    }

    @Test
    void quotaExhaustedDayBlocksTheProjectModelUntilPacificMidnight() {
        Setup s = setup();
        String otherModel = unique("m");
        quota(otherModel, 50, 500);
        outcome(leaseId(s), Map.of("outcome", "QUOTA_EXHAUSTED_DAY", "retryAfterSeconds", 37), 204);
        lease(s.pool, s.model).then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED"));
        lease(s.pool, otherModel).then().statusCode(200); // only that (project, model) is spent
        keyState(s, "ACTIVE", 0);
        long now = time.nowMillis();
        time.shift(Duration.ofMillis(TimeSource.nextPacificMidnight(now) - now + 1000));
        lease(s.pool, s.model).then().statusCode(200);
    }

    @Test
    void rateLimitedCoolsTheBucketDownForRetryDelay() {
        Setup s = setup();
        outcome(leaseId(s), Map.of("outcome", "RATE_LIMITED", "retryAfterSeconds", 30), 204);
        lease(s.pool, s.model).then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"))
                .body("retryAfterSeconds", allOf(greaterThan(25), lessThanOrEqualTo(31)));
        keyState(s, "ACTIVE", 0);
        time.shift(Duration.ofSeconds(31));
        lease(s.pool, s.model).then().statusCode(200);
    }

    @Test
    void rateLimitedWithoutRetryDelayCoolsDownSixtySeconds() {
        Setup s = setup();
        outcome(leaseId(s), Map.of("outcome", "RATE_LIMITED"), 204);
        lease(s.pool, s.model).then().statusCode(429)
                .body("retryAfterSeconds", allOf(greaterThan(55), lessThanOrEqualTo(61)));
        time.shift(Duration.ofSeconds(61));
        lease(s.pool, s.model).then().statusCode(200);
    }

    @Test
    void invalidKeyBansTheKeyAtOnce() {
        Setup s = setup();
        outcome(leaseId(s), Map.of("outcome", "INVALID_KEY", "reason", "API_KEY_INVALID"), 204);
        admin().get("/admin/keys/" + s.keyId).then().statusCode(200).body("state", equalTo("BANNED"))
                .body("stateReason", containsString("INVALID_KEY"));
        lease(s.pool, s.model).then().statusCode(429).body("reason", equalTo("ALL_BANNED"));
    }

    @Test
    void permissionDeniedBansTheKeyAtOnce() {
        Setup s = setup();
        outcome(leaseId(s), Map.of("outcome", "PERMISSION_DENIED", "reason", "CONSUMER_SUSPENDED"), 204);
        admin().get("/admin/keys/" + s.keyId).then().statusCode(200).body("state", equalTo("BANNED"))
                .body("stateReason", containsString("CONSUMER_SUSPENDED"));
    }

    @Test
    void upstreamErrorsBanAfterNInARow() {
        Setup s = setup(); // the test profile bans after 3
        outcome(leaseId(s), Map.of("outcome", "UPSTREAM_ERROR"), 204);
        outcome(leaseId(s), Map.of("outcome", "UPSTREAM_ERROR"), 204);
        keyState(s, "ACTIVE", 2);
        outcome(leaseId(s), Map.of("outcome", "UPSTREAM_ERROR"), 204);
        admin().get("/admin/keys/" + s.keyId).then().body("state", equalTo("BANNED"))
                .body("stateReason", containsString("UPSTREAM_ERROR"));
    }

    @Test
    void clientErrorChangesNothing() {
        Setup s = setup();
        outcome(leaseId(s), Map.of("outcome", "UPSTREAM_ERROR"), 204);
        outcome(leaseId(s), Map.of("outcome", "CLIENT_ERROR", "reason", "bad request"), 204);
        keyState(s, "ACTIVE", 1);
        lease(s.pool, s.model).then().statusCode(200);
    }

    @Test
    void settlingTwiceIsIdempotentForTheSameOutcomeAndAConflictOtherwise() {
        Setup s = setup();
        String id = leaseId(s);
        outcome(id, Map.of("outcome", "UPSTREAM_ERROR"), 204);
        outcome(id, Map.of("outcome", "UPSTREAM_ERROR"), 204);
        keyState(s, "ACTIVE", 1); // the repeat had no second effect
        internal().body(Map.of("outcome", "SUCCESS")).post("/leases/" + id + "/outcome")
                .then().statusCode(409).body("error", notNullValue());
        internal().body(Map.of("outcome", "SUCCESS")).post("/leases/00000000-0000-0000-0000-000000000000/outcome")
                .then().statusCode(404).body("error", notNullValue());
    }

    @Test
    void badOutcomesAre400AndChangeNothing() {
        Setup s = setup();
        String id = leaseId(s);
        internal().body(Map.of("outcome", "NOPE")).post("/leases/" + id + "/outcome").then().statusCode(400)
                .body("error", notNullValue());
        internal().body(Map.of("outcome", "RATE_LIMITED", "retryAfterSeconds", -5))
                .post("/leases/" + id + "/outcome").then().statusCode(400).body("error", containsString("negative"));
        internal().body(Map.of("outcome", "SUCCESS", "promptTokens", -1))
                .post("/leases/" + id + "/outcome").then().statusCode(400);
        internal().body("{\"outcome\":").post("/leases/" + id + "/outcome").then().statusCode(400);
        internal().body("{}").post("/leases/" + id + "/outcome").then().statusCode(400);
        // still open: the first valid outcome settles it
        outcome(id, Map.of("outcome", "SUCCESS"), 204);
        TestKeys.assertNoRawKeyInLogQuietly();
    }
}
