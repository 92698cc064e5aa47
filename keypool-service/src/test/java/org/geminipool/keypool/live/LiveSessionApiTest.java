package org.geminipool.keypool.live;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.geminipool.keypool.TestKeys;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.geminipool.keypool.TestKeys.importKeys;
import static org.geminipool.keypool.TestKeys.internal;
import static org.geminipool.keypool.TestKeys.rawKey;
import static org.geminipool.keypool.TestKeys.unique;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /live-sessions} against the database: slots fill a project up to the default limit and then the next project,
 * beyond every project's limit a 429 LIVE_SESSIONS_FULL; a refusal teaches the limit; closing and expiry free slots;
 * a heartbeat keeps a slot; a pinned project is the only one used; bad input is a 400.
 */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
class LiveSessionApiTest {

    private static final String MODEL = "gemini-3.1-flash-live-preview";

    @Inject
    TimeSource time;

    @AfterEach
    void resetClock() {
        time.resetShift();
    }

    @AfterAll
    static void noRawKeyInLog() throws Exception {
        TestKeys.assertNoRawKeyInLog();
    }

    private static io.restassured.response.Response open(String pool, String project) {
        Map<String, Object> body = new HashMap<>();
        body.put("pool", pool);
        body.put("model", MODEL);
        body.put("owner", "0123456789abcdef");
        if (project != null) {
            body.put("project", project);
        }
        return internal().body(body).post("/live-sessions");
    }

    @Test
    void slotsFillEachProjectToItsLimitThenTheNextAndThenRefuse() {
        String pool = unique("live");
        String a = unique("pa");
        String b = unique("pb");
        importKeys(pool, rawKey() + " project=" + a, rawKey() + " project=" + b);
        Map<String, Integer> perProject = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            JsonPath g = open(pool, null).then().statusCode(200).extract().jsonPath();
            perProject.merge(g.getString("lease.project"), 1, Integer::sum);
            ids.add(g.getString("sessionId"));
            assertEquals(3, g.getInt("sessionLimit"));
            assertTrue(g.getLong("heartbeatSeconds") >= 1);
            assertTrue(g.getString("lease.apiKey") != null && g.getString("lease.leaseId") != null);
        }
        assertEquals(Map.of(a, 3, b, 3), perProject);
        open(pool, null).then().statusCode(429).body("reason", equalTo("LIVE_SESSIONS_FULL"));

        internal().delete("/live-sessions/" + ids.get(0)).then().statusCode(204);
        internal().delete("/live-sessions/" + ids.get(0)).then().statusCode(404);
        open(pool, null).then().statusCode(200);
    }

    @Test
    void aRefusalTeachesTheProjectsLimit() {
        String pool = unique("live");
        String a = unique("pa");
        importKeys(pool, rawKey() + " project=" + a);
        String first = open(pool, null).then().statusCode(200).extract().path("sessionId");
        String second = open(pool, null).then().statusCode(200).extract().path("sessionId");
        assertNotEquals(first, second);
        // Google refused the second: the project holds 1 (the other one open)
        internal().body(Map.of("reason", "SESSION_LIMIT", "message", "You exceeded your current quota"))
                .post("/live-sessions/" + second + "/refused").then().statusCode(200)
                .body("sessionLimit", equalTo(1)).body("learned", equalTo(true)).body("project", equalTo(a));
        open(pool, null).then().statusCode(429).body("reason", equalTo("LIVE_SESSIONS_FULL"));
        internal().delete("/live-sessions/" + first).then().statusCode(204);
        JsonPath g = open(pool, null).then().statusCode(200).extract().jsonPath();
        assertEquals(1, g.getInt("sessionLimit"));
        // another reason only frees the slot
        internal().body(Map.of("reason", "OTHER")).post("/live-sessions/" + g.getString("sessionId") + "/refused")
                .then().statusCode(200).body("learned", equalTo(false));
        open(pool, null).then().statusCode(200);
    }

    @Test
    void anExpiredSlotIsFreeAndAHeartbeatKeepsOne() {
        String pool = unique("live");
        importKeys(pool, rawKey() + " project=" + unique("pa"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(open(pool, null).then().statusCode(200).extract().path("sessionId"));
        }
        open(pool, null).then().statusCode(429);
        time.shift(Duration.ofSeconds(40));
        internal().body(Map.of("sessionIds", List.of(ids.get(0)))).post("/live-sessions/heartbeat").then()
                .statusCode(200).body("renewed", equalTo(1));
        time.shift(Duration.ofSeconds(30)); // at 70 s the two others expired (60 s), the heartbeaten one (100 s) lives
        open(pool, null).then().statusCode(200);
        open(pool, null).then().statusCode(200);
        open(pool, null).then().statusCode(429);
    }

    @Test
    void aPinnedProjectIsTheOnlyOneUsed() {
        String pool = unique("live");
        String a = unique("pa");
        String b = unique("pb");
        importKeys(pool, rawKey() + " project=" + a, rawKey() + " project=" + b);
        for (int i = 0; i < 3; i++) {
            open(pool, b).then().statusCode(200).body("lease.project", equalTo(b));
        }
        open(pool, b).then().statusCode(429).body("reason", equalTo("LIVE_SESSIONS_FULL"));
        open(pool, a).then().statusCode(200).body("lease.project", equalTo(a));
        open(pool, unique("nobody")).then().statusCode(429).body("reason", equalTo("NO_KEYS"));
    }

    @Test
    void aPinnedSlotWithoutAPoolLeavesThePoolUsable() {
        String pool = unique("live");
        String a = unique("pa");
        importKeys(pool, rawKey() + " project=" + a);
        open(null, a).then().statusCode(200).body("lease.project", equalTo(a));
        open(pool, null).then().statusCode(200).body("lease.project", equalTo(a));
        TestKeys.lease(pool, MODEL).then().statusCode(200);
        open(null, a).then().statusCode(200);
        open(null, a).then().statusCode(429).body("reason", equalTo("LIVE_SESSIONS_FULL"));
    }

    @Test
    void badInputIsA400() {
        internal().body("{}").post("/live-sessions").then().statusCode(400);
        internal().body(Map.of("model", "a b")).post("/live-sessions").then().statusCode(400);
        internal().body(Map.of("model", MODEL, "owner", "not an owner!")).post("/live-sessions").then().statusCode(400);
        internal().body(Map.of("reason", "OTHER")).post("/live-sessions/../x/refused").then().statusCode(
                org.hamcrest.Matchers.greaterThanOrEqualTo(400));
        internal().body(Map.of("reason", "OTHER")).post("/live-sessions/not-a-uuid/refused").then().statusCode(400);
        internal().body(Map.of("sessionIds", List.of("x"))).post("/live-sessions/heartbeat").then().statusCode(400);
        TestKeys.admin().contentType("application/json").body(Map.of("model", MODEL)).post("/live-sessions").then()
                .statusCode(401);
    }
}
