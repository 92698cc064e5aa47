package org.geminipool.keypool.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.geminipool.keypool.TestKeys;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.geminipool.keypool.TestKeys.admin;
import static org.geminipool.keypool.TestKeys.importKeys;
import static org.geminipool.keypool.TestKeys.internal;
import static org.geminipool.keypool.TestKeys.lease;
import static org.geminipool.keypool.TestKeys.quota;
import static org.geminipool.keypool.TestKeys.rawKey;
import static org.geminipool.keypool.TestKeys.unique;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** POST /leases: quota windows, selection, refusals, validation, auth. Each test uses its own pool and model. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
class LeaseApiTest {

    @Inject
    TimeSource time;

    @AfterAll
    static void noRawKeyInLog() throws Exception {
        TestKeys.assertNoRawKeyInLog();
    }

    @Test
    void leaseAnswersTheKeyAndStopsAtTheMinuteLimitUntilTheNextWindow() {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 2, 100);
        String raw = rawKey();
        String id = importKeys(pool, raw + " project=" + unique("proj")).get(0);
        // Start at the beginning of a minute so the test cannot straddle a window.
        alignToMinuteStart();

        lease(pool, model).then().statusCode(200)
                .body("leaseId", notNullValue()).body("keyId", equalTo(id)).body("apiKey", equalTo(raw))
                .body("model", equalTo(model)).body("project", startsWith("proj-")).body("expiresAt", notNullValue());
        lease(pool, model).then().statusCode(200);
        Response refused = lease(pool, model);
        refused.then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"))
                .body("retryAfterSeconds", allOf(greaterThan(0), lessThanOrEqualTo(60)));
        assertEquals(refused.jsonPath().getString("retryAfterSeconds"), refused.header("Retry-After"));

        time.shift(Duration.ofSeconds(60));
        lease(pool, model).then().statusCode(200);
    }

    @Test
    void dayLimitHoldsUntilPacificMidnight() {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 100, 2);
        importKeys(pool, rawKey());
        lease(pool, model).then().statusCode(200);
        lease(pool, model).then().statusCode(200);
        long now = time.nowMillis();
        long midnight = TimeSource.nextPacificMidnight(now);
        Response refused = lease(pool, model);
        refused.then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED"));
        long retryAfter = refused.jsonPath().getLong("retryAfterSeconds");
        long expected = (midnight - now) / 1000;
        assertEquals(expected, retryAfter, 2.0, "retryAfterSeconds points at the next Pacific midnight");

        // Just before midnight: still spent. At midnight Pacific: a new day.
        time.shift(Duration.ofMillis(midnight - time.nowMillis() - 5_000));
        lease(pool, model).then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED"));
        time.shift(Duration.ofSeconds(6));
        lease(pool, model).then().statusCode(200);
        lease(pool, model).then().statusCode(200);
        lease(pool, model).then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED"));
    }

    @Test
    void pacificDayIsTheCalendarDayInLosAngeles() {
        // 2025-03-09 is a 23-hour day (DST starts): 07:59Z is still the 8th... 08:00Z is midnight PST.
        long beforeMidnight = java.time.Instant.parse("2025-03-09T07:59:59Z").toEpochMilli();
        long atMidnight = java.time.Instant.parse("2025-03-09T08:00:00Z").toEpochMilli();
        assertEquals(TimeSource.dayWindow(beforeMidnight) + 1, TimeSource.dayWindow(atMidnight));
        assertEquals(java.time.Instant.parse("2025-03-10T07:00:00Z").toEpochMilli(),
                TimeSource.nextPacificMidnight(atMidnight), "after the DST switch midnight is 07:00Z");
    }

    @Test
    void loadIsSpreadAcrossProjects() {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 10, 100);
        String a = unique("proj");
        String b = unique("proj");
        String c = unique("proj");
        importKeys(pool, rawKey() + " project=" + a, rawKey() + " project=" + a, rawKey() + " project=" + b,
                rawKey() + " project=" + c);
        alignToMinuteStart();
        Map<String, Integer> perProject = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            String project = lease(pool, model).then().statusCode(200).extract().path("project");
            perProject.merge(project, 1, Integer::sum);
        }
        // Least-used first: 9 leases over 3 projects are 3 each, though project a has two keys.
        assertEquals(Map.of(a, 3, b, 3, c, 3), perProject);
    }

    @Test
    void projectOverrideRaisesThePaidProjectsLimit() {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 1, 100);
        String paid = unique("paid");
        importKeys(pool, rawKey() + " project=" + paid);
        admin().contentType("application/json").body(Map.of("rpm", 4, "rpd", 100, "tpm", 1000))
                .put("/admin/projects/" + paid + "/quotas/" + model).then().statusCode(200)
                .body("project", equalTo(paid)).body("rpm", equalTo(4));
        alignToMinuteStart();
        for (int i = 0; i < 4; i++) {
            lease(pool, model).then().statusCode(200);
        }
        lease(pool, model).then().statusCode(429).body("reason", equalTo("MINUTE_EXHAUSTED"));
    }

    @Test
    void aProjectOverrideBindsThatProjectOnly() {
        String pool = unique("p");
        String model = unique("m");
        String capped = unique("capped");
        String open = unique("open");
        importKeys(pool, rawKey() + " project=" + capped);
        admin().contentType("application/json").body(Map.of("rpm", 2, "rpd", 2))
                .put("/admin/projects/" + capped + "/quotas/" + model).then().statusCode(200);
        lease(pool, model).then().statusCode(200).body("project", equalTo(capped));
        lease(pool, model).then().statusCode(200).body("project", equalTo(capped));
        lease(pool, model).then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED"));
        // A project without override (and nothing learned) has no local limit for the model.
        importKeys(pool, rawKey() + " project=" + open);
        for (int i = 0; i < 5; i++) {
            lease(pool, model).then().statusCode(200).body("project", equalTo(open));
        }
    }

    @Test
    void poolNullMeansAnyPool() {
        String model = unique("m");
        quota(model, 5, 5);
        importKeys(unique("p"), rawKey());
        Map<String, Object> body = new HashMap<>();
        body.put("pool", null);
        body.put("model", model);
        body.put("requestId", "r1");
        internal().body(body).post("/leases").then().statusCode(200).body("model", equalTo(model));
        internal().body(Map.of("model", model)).post("/leases").then().statusCode(200);
    }

    @Test
    void excludePoolsKeepsThoseKeysOutOfAnyPoolLeases() {
        // Other tests' keys may serve any model now; only keys in no pool but the paid one are excluded here, so
        // the key is told apart by its id.
        String paidPool = unique("image");
        String paid = unique("paid");
        String model = unique("m");
        String raw = rawKey();
        String keyId = importKeys(paidPool, raw + " project=" + paid).get(0);
        admin().contentType("application/json").body(Map.of("rpm", 10, "rpd", 10))
                .put("/admin/projects/" + paid + "/quotas/" + model).then().statusCode(200);

        Map<String, Object> body = new HashMap<>();
        body.put("pool", null);
        body.put("model", model);
        body.put("requestId", "x1");
        body.put("excludePools", List.of(paidPool));
        // Any-pool leases may land on other tests' keys (any model is leasable), but never on the excluded pool's.
        for (int i = 0; i < 20; i++) {
            var answer = internal().body(body).post("/leases");
            if (answer.statusCode() == 200) {
                assertNotEquals(keyId, answer.jsonPath().getString("keyId"));
            } else {
                assertEquals(429, answer.statusCode());
            }
        }
        // A named pool ignores excludePools.
        body.put("pool", paidPool);
        internal().body(body).post("/leases").then().statusCode(200).body("keyId", equalTo(keyId))
                .body("apiKey", equalTo(raw));
    }

    @Test
    void malformedExcludePoolsAre400() {
        for (String bad : List.of("\"image\"", "{\"image\":true}", "[1]", "[null]", "[\"bad name!\"]", "[[\"image\"]]", "true")) {
            internal().body("{\"model\":\"gemini-2.5-flash\",\"excludePools\":" + bad + "}").post("/leases")
                    .then().statusCode(400).body("error", notNullValue());
        }
    }

    @Test
    void quotaFreeLeaseReservesNothing() {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 1, 1);
        String raw = rawKey();
        importKeys(pool, raw);
        for (int i = 0; i < 3; i++) {
            internal().body(Map.of("pool", pool, "model", model, "requestId", "x", "quotaFree", true))
                    .post("/leases").then().statusCode(200)
                    .body("leaseId", nullValue()).body("apiKey", equalTo(raw)).body("keyId", notNullValue());
        }
        lease(pool, model).then().statusCode(200); // the one request of the day is still there
    }

    @Test
    void refusalsNameTheReason() {
        String model = unique("m");
        quota(model, 5, 5);
        lease(unique("empty"), model).then().statusCode(429).header("Retry-After", notNullValue())
                .body("reason", equalTo("NO_KEYS")).body("retryAfterSeconds", greaterThan(0));

        String pool = unique("p");
        String id = importKeys(pool, rawKey()).get(0);
        String leaseId = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        TestKeys.outcome(leaseId, Map.of("outcome", "INVALID_KEY"), 204);
        lease(pool, model).then().statusCode(429).body("reason", equalTo("ALL_BANNED"));

        admin().contentType("application/json").body(Map.of("state", "DISABLED")).patch("/admin/keys/" + id)
                .then().statusCode(200).body("state", equalTo("DISABLED"));
        lease(pool, model).then().statusCode(429).body("reason", equalTo("NO_KEYS"));
    }

    @Test
    void anyModelIsLeasableWithNoAdminStep() {
        // No quota row anywhere (design §3): the lease is granted; Google's answers teach the limits later.
        String pool = unique("p");
        importKeys(pool, rawKey());
        for (int i = 0; i < 3; i++) {
            lease(pool, unique("gemini-9.9-flash")).then().statusCode(200).body("leaseId", notNullValue());
        }
    }

    @Test
    void malformedRequestsAre400() {
        internal().body("{not json").post("/leases").then().statusCode(400).body("error", notNullValue());
        internal().body("{\"pool\":\"x\"}").post("/leases").then().statusCode(400).body("error", notNullValue());
        internal().body("").post("/leases").then().statusCode(400).body("error", notNullValue());
        internal().body("{\"model\":\"bad model name!\"}").post("/leases").then().statusCode(400);
        internal().body("{\"model\":[1,2]}").post("/leases").then().statusCode(400).body("error", notNullValue());
        internal().body("{\"model\":\"gemini-2.5-flash\",\"quotaFree\":\"maybe\"}").post("/leases")
                .then().statusCode(400).body("error", notNullValue());
        internal().body("{\"model\":\"gemini-2.5-flash\",\"pool\":7}").post("/leases")
                .then().statusCode(400).body("error", containsString("malformed JSON body"));
        internal().body("{\"outcome\":\"SUCCESS\",\"promptTokens\":\"many\"}").post("/leases/x/outcome")
                .then().statusCode(400).body("error", containsString("promptTokens"));
        internal().body("{\"outcomes\":{}}").post("/outcomes").then().statusCode(400).body("error", notNullValue());
        // A body over the limit is refused whole, in the service's error shape.
        String huge = "{\"model\":\"gemini-2.5-flash\",\"requestId\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}";
        internal().body(huge).post("/leases").then().statusCode(413).body("error", containsString("too large"));
        internal().get("/leases").then().statusCode(405).body("error", notNullValue());
        internal().body("{}").put("/outcomes").then().statusCode(405).body("error", notNullValue());
    }

    @Test
    void tokensAreRequired() {
        // Refused before the body is read, whatever its size.
        given().contentType("application/json").body("{\"requestId\":\"" + "y".repeat(3 * 1024 * 1024) + "\"}")
                .post("/leases").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("error", containsString("GEMINI_POOL_INTERNAL_TOKEN"));
        given().contentType("application/json").body("{\"outcomes\":[]}").post("/outcomes").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").get("/leases").then().statusCode(401);
        given().contentType("application/json").body(Map.of("model", "gemini-2.5-flash")).post("/leases")
                .then().statusCode(401).body("error", notNullValue());
        given().header("Authorization", "Bearer " + TestKeys.ADMIN).contentType("application/json")
                .body(Map.of("model", "gemini-2.5-flash")).post("/leases").then().statusCode(401);
        given().header("Authorization", "Bearer " + TestKeys.INTERNAL).get("/admin/keys")
                .then().statusCode(401).body("error", notNullValue());
        given().get("/admin/keys").then().statusCode(401);
        given().post("/leases/abc/outcome").then().statusCode(401);
    }

    private void alignToMinuteStart() {
        long now = time.nowMillis();
        time.shift(Duration.ofMillis(TimeSource.nextMinuteStart(now) - now));
    }
}
