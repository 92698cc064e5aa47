package org.geminipool.keypool.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.geminipool.keypool.TestKeys.admin;
import static org.geminipool.keypool.TestKeys.importKeys;
import static org.geminipool.keypool.TestKeys.internal;
import static org.geminipool.keypool.TestKeys.lease;
import static org.geminipool.keypool.TestKeys.outcome;
import static org.geminipool.keypool.TestKeys.rawKey;
import static org.geminipool.keypool.TestKeys.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits learned from Google's answers (design §3): no admin step, the window/limit/quota model of each violation, the
 * sibling hint, limit 0 parking, the input-token bucket, provisional limits raised by a served probe, and the 2026
 * outcomes that act on a project or a model rather than a key.
 */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
class LearnedLimitsTest {

    @Inject
    TimeSource time;

    @AfterEach
    void clock() {
        time.resetShift();
    }

    /** Moves the clock to the start of the next minute window (plus a second), so a test owns a whole minute. */
    private void freshMinute() {
        long now = time.nowMillis();
        long next = TimeSource.nextMinuteStart(now);
        // A test spans a few shifted minutes: never let Google's (Pacific) day end inside one.
        if (TimeSource.dayWindow(next + Duration.ofMinutes(15).toMillis()) != TimeSource.dayWindow(now)) {
            next = TimeSource.nextPacificMidnight(now);
        }
        time.shift(Duration.ofMillis(next - now + 1000));
    }

    private static Map<String, Object> violation(String window, Long limit, String quotaModel, boolean free) {
        Map<String, Object> v = new HashMap<>();
        v.put("window", window);
        v.put("limit", limit);
        v.put("quotaModel", quotaModel);
        v.put("freeTier", free);
        v.put("quotaId", window + (free ? "-FreeTier" : ""));
        return v;
    }

    private static Map<String, Object> outcomeWith(String outcome, Map<String, Object> violation) {
        Map<String, Object> body = new HashMap<>();
        body.put("outcome", outcome);
        body.put("retryAfterSeconds", 1);
        body.put("violations", List.of(violation));
        return body;
    }

    private static Response leaseTokens(String pool, String model, long tokens) {
        return internal().body(Map.of("pool", pool, "model", model, "requestId", unique("r"), "estimatedTokens", tokens))
                .post("/leases");
    }

    @Test
    void aPerMinuteLimitIsLearnedOnceAndThenHeldWithoutAnotherRefusal() {
        freshMinute();
        String pool = unique("p");
        String model = unique("gemini-x-model");
        String project = unique("a");
        importKeys(pool, rawKey() + " project=" + project);
        // Unknown limit: served at once, as often as asked.
        for (int i = 0; i < 3; i++) {
            lease(pool, model).then().statusCode(200);
        }
        String refused = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        // Google refuses the 4th: 429 per-minute, limit 3. (A 429 costs nothing at Google; the bucket counts it.)
        outcome(refused, outcomeWith("RATE_LIMITED", violation("RPM", 3L, model, true)), 204);
        time.shift(Duration.ofSeconds(2)); // past the 1 s cooldown, same minute
        lease(pool, model).then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"));
        admin().queryParam("project", project).get("/admin/limits").then().statusCode(200)
                .body("limits[0].rpm.limit", equalTo(3)).body("limits[0].rpm.source", equalTo("LEARNED"))
                .body("limits[0].rpm.learnedAt", notNullValue()).body("limits[0].rpd.source", equalTo("UNKNOWN"));
        // Next minute: three again, then refused locally (no call to Google for a certain 429).
        freshMinute();
        for (int i = 0; i < 3; i++) {
            lease(pool, model).then().statusCode(200);
        }
        lease(pool, model).then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"));
    }

    @Test
    void aSiblingOfTheSameTierUsesTheLearnedValueWithOneProbeADay() {
        freshMinute();
        String model = unique("gemini-y-model");
        String teacherPool = unique("p");
        importKeys(teacherPool, rawKey() + " project=" + unique("teacher"));
        String leaseId = lease(teacherPool, model).then().statusCode(200).extract().path("leaseId");
        outcome(leaseId, outcomeWith("QUOTA_EXHAUSTED_DAY", violation("RPD", 2L, model, true)), 204);

        String siblingPool = unique("p");
        importKeys(siblingPool, rawKey() + " project=" + unique("sibling"));
        lease(siblingPool, model).then().statusCode(200).body("probe", equalTo(false));
        lease(siblingPool, model).then().statusCode(200);
        // The hint is provisional: one probe above it today (flagged, so the gateway settles it before answering).
        String probe = lease(siblingPool, model).then().statusCode(200).body("probe", equalTo(true))
                .extract().path("leaseId");
        lease(siblingPool, model).then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED"));
        // Google served the probe: the sibling's limit is higher; the hint no longer binds it (RAISED).
        outcome(probe, Map.of("outcome", "SUCCESS"), 204);
        for (int i = 0; i < 3; i++) {
            lease(siblingPool, model).then().statusCode(200);
        }
    }

    @Test
    void limitZeroParksTheProjectAndItsSiblingsPayAtMostOneRefusal() {
        String model = unique("gemini-z-pro");
        String quotaModel = unique("gemini-z-pro-base");
        String pool = unique("p");
        String first = unique("free1");
        String second = unique("free2");
        importKeys(pool, rawKey() + " project=" + first);
        String leaseId = lease(pool, model).then().statusCode(200).body("project", equalTo(first))
                .extract().path("leaseId");
        Map<String, Object> body = new HashMap<>(outcomeWith("MODEL_UNAVAILABLE", violation("RPD", 0L, quotaModel, true)));
        body.put("violations", List.of(violation("RPD", 0L, quotaModel, true), violation("RPM", 0L, quotaModel, true),
                violation("TPM", 0L, quotaModel, true)));
        outcome(leaseId, body, 204);
        lease(pool, model).then().statusCode(429).body("reason", equalTo("MODEL_UNAVAILABLE"));

        // A second free project: the hint says 0, provisional, so one call may find out; once it is refused too, parked.
        importKeys(pool, rawKey() + " project=" + second);
        String probe = lease(pool, model).then().statusCode(200).body("project", equalTo(second))
                .extract().path("leaseId");
        outcome(probe, body, 204);
        lease(pool, model).then().statusCode(429).body("reason", equalTo("MODEL_UNAVAILABLE"));
        admin().get("/admin/limits?model=" + quotaModel).then().statusCode(200)
                .body("quotaModels.find { it.model == '" + model + "' }.quotaModel", equalTo(quotaModel));
    }

    @Test
    void idsSharingAQuotaModelShareItsBucket() {
        freshMinute();
        String pool = unique("p");
        String quotaModel = unique("gemini-q-pro");
        String preview = quotaModel + "-preview";
        String custom = quotaModel + "-preview-customtools";
        importKeys(pool, rawKey() + " project=" + unique("shared"));
        // Each ID learns at its first 429 that Google counts it under the family's quota model.
        for (String id : List.of(preview, custom)) {
            String l = lease(pool, id).then().statusCode(200).extract().path("leaseId");
            outcome(l, outcomeWith("RATE_LIMITED", violation("RPM", 3L, quotaModel, true)), 204);
        }
        freshMinute();
        lease(pool, preview).then().statusCode(200);
        lease(pool, custom).then().statusCode(200);
        lease(pool, preview).then().statusCode(200);
        lease(pool, custom).then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"));
        lease(pool, preview).then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"));
    }

    @Test
    void aLongPromptGoesToAProjectWithTokenRoomNeverToACertain429() {
        freshMinute();
        String pool = unique("p");
        String model = unique("gemini-t-flash");
        String small = unique("small");
        String big = unique("big");
        importKeys(pool, rawKey() + " project=" + small);
        String l = leaseTokens(pool, model, 10).then().statusCode(200).extract().path("leaseId");
        outcome(l, outcomeWith("RATE_LIMITED", violation("TPM", 1000L, model, true)), 204);
        importKeys(pool, rawKey() + " project=" + big);
        admin().contentType("application/json").body(Map.of("rpm", 100, "rpd", 1000, "tpm", 1_000_000))
                .put("/admin/projects/" + big + "/quotas/" + model).then().statusCode(200);
        freshMinute();
        for (int i = 0; i < 5; i++) {
            leaseTokens(pool, model, 1500).then().statusCode(200).body("project", equalTo(big));
        }

        // The estimate is corrected by the real count: a 900-token estimate that was really 100 frees room.
        String alone = unique("p");
        importKeys(alone, rawKey() + " project=" + unique("alone"));
        String t = leaseTokens(alone, model, 10).then().statusCode(200).extract().path("leaseId");
        outcome(t, outcomeWith("RATE_LIMITED", violation("TPM", 1000L, model, true)), 204);
        freshMinute();
        String first = leaseTokens(alone, model, 900).then().statusCode(200).extract().path("leaseId");
        outcome(first, Map.of("outcome", "SUCCESS", "promptTokens", 100), 204);
        leaseTokens(alone, model, 900).then().statusCode(200);
        leaseTokens(alone, model, 10).then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"));
    }

    @Test
    void aPerDay429AtMidnightMarksTheLeasesDayNotTheNextOne() {
        String pool = unique("p");
        String model = unique("gemini-d-flash");
        importKeys(pool, rawKey() + " project=" + unique("d"));
        long now = time.nowMillis();
        time.shift(Duration.ofMillis(TimeSource.nextPacificMidnight(now) - now - 2_000));
        String l = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        time.shift(Duration.ofSeconds(3)); // the answer arrives after Pacific midnight
        Map<String, Object> body = new HashMap<>();
        body.put("outcome", "QUOTA_EXHAUSTED_DAY");
        outcome(l, body, 204);
        lease(pool, model).then().statusCode(200);
    }

    @Test
    void billingDepletedSkipsTheProjectRetiredModelsAreSkippedWhereRetired() {
        String pool = unique("p");
        String model = unique("gemini-r-flash");
        String broke = unique("broke");
        String old = unique("old");
        String fresh = unique("fresh");
        importKeys(pool, rawKey() + " project=" + broke);
        String l = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        outcome(l, Map.of("outcome", "BILLING_DEPLETED", "reason", "Your prepayment credits are depleted."), 204);
        lease(pool, model).then().statusCode(429);
        lease(pool, unique("other-model")).then().statusCode(429);

        // "no longer available to new users": that project only.
        importKeys(pool, rawKey() + " project=" + fresh, rawKey() + " project=" + old);
        String retiredHere = null;
        for (int i = 0; i < 10 && retiredHere == null; i++) {
            Response r = lease(pool, model);
            if (fresh.equals(r.jsonPath().getString("project"))) {
                retiredHere = r.jsonPath().getString("leaseId");
            } else {
                outcome(r.jsonPath().getString("leaseId"), Map.of("outcome", "SUCCESS"), 204);
            }
        }
        outcome(retiredHere, Map.of("outcome", "MODEL_RETIRED", "reason",
                "This model models/" + model + " is no longer available to new users."), 204);
        for (int i = 0; i < 5; i++) {
            lease(pool, model).then().statusCode(200).body("project", equalTo(old));
        }
        // "no longer available." (shut down): everyone; the refusal says so.
        String last = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        outcome(last, Map.of("outcome", "MODEL_RETIRED", "reason", "This model models/" + model
                + " is no longer available. Please update your code."), 204);
        lease(pool, model).then().statusCode(429).body("reason", equalTo("MODEL_RETIRED"));
        String retired = admin().get("/admin/limits").then().statusCode(200).extract().asString();
        assertTrue(retired.contains(model), retired);
        admin().queryParam("model", model).delete("/admin/retirements").then().statusCode(200);
        lease(pool, model).then().statusCode(200);
    }

    @Test
    void aDeadProjectBansEveryKeyOfItAKeyLevelRefusalOnlyThatKey() {
        String pool = unique("p");
        String model = unique("gemini-k-flash");
        String project = unique("dead");
        List<String> ids = importKeys(pool, rawKey() + " project=" + project, rawKey() + " project=" + project);
        String l = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        outcome(l, Map.of("outcome", "PROJECT_DENIED", "reason", "Your project has been denied access."), 204);
        for (String id : ids) {
            admin().get("/admin/keys/" + id).then().body("state", equalTo("BANNED"));
        }
        String other = unique("alive");
        List<String> alive = importKeys(pool, rawKey() + " project=" + other, rawKey() + " project=" + other);
        String k = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        outcome(k, Map.of("outcome", "PERMISSION_DENIED", "reason", "API_KEY_SERVICE_BLOCKED"), 204);
        long banned = alive.stream().filter(id -> "BANNED".equals(admin().get("/admin/keys/" + id).jsonPath()
                .getString("state"))).count();
        assertEquals(1, banned);
        // Location and overload answers change nothing.
        for (String o : List.of("LOCATION_UNSUPPORTED", "OVERLOADED")) {
            String x = lease(pool, model).then().statusCode(200).extract().path("leaseId");
            outcome(x, Map.of("outcome", o), 204);
        }
        assertEquals(1, alive.stream().filter(id -> "BANNED".equals(admin().get("/admin/keys/" + id).jsonPath()
                .getString("state"))).count());
    }

    @Test
    void familyDefaultsAreEditableAndLearnedValuesCanBeCleared() {
        String pattern = "*" + unique("fam") + "*";
        admin().contentType("application/json").body(Map.of("rpd", 2, "note", "test"))
                .put("/admin/family-quotas/" + pattern).then().statusCode(200).body("rpd", equalTo(2));
        admin().get("/admin/family-quotas").then().statusCode(200)
                .body("find { it.pattern == '" + pattern + "' }.rpd", equalTo(2))
                .body("find { it.pattern == '*flash-lite*' }.rpd", equalTo(20));
        String model = "gemini-" + pattern.replace("*", "");
        String pool = unique("p");
        String project = unique("f");
        importKeys(pool, rawKey() + " project=" + project);
        lease(pool, model).then().statusCode(200);
        lease(pool, model).then().statusCode(200);
        lease(pool, model).then().statusCode(200); // the provisional probe
        lease(pool, model).then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED"));
        admin().queryParam("project", project).get("/admin/limits").then()
                .body("limits[0].rpd.source", equalTo("FAMILY")).body("limits[0].rpd.provisional", equalTo(true));
        admin().contentType("application/json").body(Map.of()).put("/admin/family-quotas/" + pattern)
                .then().statusCode(400);
        admin().contentType("application/json").body(Map.of("rpd", 1)).put("/admin/family-quotas/no-star")
                .then().statusCode(400);
        admin().delete("/admin/family-quotas/" + pattern).then().statusCode(204);
        admin().delete("/admin/family-quotas/" + pattern).then().statusCode(404);

        String l = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        outcome(l, outcomeWith("RATE_LIMITED", violation("RPM", 1L, model, true)), 204);
        admin().queryParam("project", project).get("/admin/limits").then().body("limits[0].rpm.source", equalTo("LEARNED"));
        admin().queryParam("project", project).delete("/admin/limits/learned").then().statusCode(200)
                .body("cleared", equalTo(1));
        // The project forgot its own value; its siblings' hint (learned from it) still applies until cleared too.
        admin().queryParam("project", project).get("/admin/limits").then().body("limits[0].rpm.source", equalTo("SIBLING"));
        admin().queryParam("model", model).delete("/admin/limits/learned").then().statusCode(200);
        admin().queryParam("project", project).get("/admin/limits").then().body("limits[0].rpm.source", equalTo("UNKNOWN"));
    }

    @Test
    void malformedViolationsAre400AndChangeNothing() {
        String pool = unique("p");
        String model = unique("gemini-v-flash");
        importKeys(pool, rawKey() + " project=" + unique("v"));
        String l = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        for (Map<String, Object> bad : List.of(violation("HOURLY", 1L, model, true), violation("RPM", -1L, model, true),
                violation("RPM", 1L, "bad name!", true))) {
            outcome(l, outcomeWith("RATE_LIMITED", bad), 400);
        }
        outcome(l, Map.of("outcome", "SUCCESS"), 204);
    }
}
