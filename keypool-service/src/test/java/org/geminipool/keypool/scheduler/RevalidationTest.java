package org.geminipool.keypool.scheduler;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.geminipool.keypool.TestKeys;
import org.geminipool.keypool.health.KeypoolMetrics;
import org.geminipool.keypool.service.RevalidationService;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.testsupport.GeminiSimulatorTestResource;
import org.geminipool.testsupport.MariaDbTestResource;
import org.geminipool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.geminipool.keypool.TestKeys.admin;
import static org.geminipool.keypool.TestKeys.importKeys;
import static org.geminipool.keypool.TestKeys.lease;
import static org.geminipool.keypool.TestKeys.outcome;
import static org.geminipool.keypool.TestKeys.quota;
import static org.geminipool.keypool.TestKeys.rawKey;
import static org.geminipool.keypool.TestKeys.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Re-validation of banned keys and on-demand verify against the gemini-simulator; lease expiry; the job lock. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
@QuarkusTestResource(GeminiSimulatorTestResource.class)
class RevalidationTest {

    @Inject
    RevalidationService revalidation;
    @Inject
    KeypoolJobs jobs;
    @Inject
    KeypoolMetrics metrics;
    @Inject
    TimeSource time;

    static GeminiSimulator sim() {
        return GeminiSimulatorTestResource.simulator();
    }

    @AfterAll
    static void noRawKeyInLog() throws Exception {
        TestKeys.assertNoRawKeyInLog();
    }

    /** A key imported into a fresh pool and banned by an INVALID_KEY outcome; returns {id, pool}. */
    private String[] bannedKey(String raw) {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 10, 10);
        String id = importKeys(pool, raw).get(0);
        String leaseId = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        outcome(leaseId, Map.of("outcome", "INVALID_KEY"), 204);
        admin().get("/admin/keys/" + id).then().body("state", equalTo("BANNED"));
        return new String[] {id, pool};
    }

    @Test
    void bannedKeyThatBecomesValidReturnsToActiveAfterOneTick() throws Exception {
        String raw = rawKey();
        String id = bannedKey(raw)[0];
        // Google (the simulator) does not know the key yet: still invalid, stays banned with a fresh check.
        revalidation.revalidateBanned().await().atMost(Duration.ofSeconds(30));
        admin().get("/admin/keys/" + id).then().body("state", equalTo("BANNED"))
                .body("lastCheckResult", equalTo("INVALID")).body("lastCheckedAt", notNullValue());

        sim().addKey(raw, null, KeyStatus.VALID);
        revalidation.revalidateBanned().await().atMost(Duration.ofSeconds(30));
        admin().get("/admin/keys/" + id).then().body("state", equalTo("ACTIVE")).body("failureStreak", equalTo(0))
                .body("lastCheckResult", equalTo("VALID"));
        assertTrue(auditEvents(id).contains("REVALIDATED"), "an audit entry records the return");
    }

    @Test
    void suspendedKeyStaysBannedWithTheFreshReason() {
        String raw = rawKey();
        sim().addKey(raw, null, KeyStatus.SUSPENDED);
        String id = bannedKey(raw)[0];
        revalidation.revalidateBanned().await().atMost(Duration.ofSeconds(30));
        admin().get("/admin/keys/" + id).then().body("state", equalTo("BANNED"))
                .body("stateReason", containsString("CONSUMER_SUSPENDED")).body("lastCheckResult", equalTo("DENIED"));
    }

    @Test
    void aLocationRefusalBansNothingDeadKindsOfKeyStayBanned() {
        // 400 FAILED_PRECONDITION "User location is not supported" is the gateway's egress, not a key (design §3).
        String active = importKeys(unique("p"), rawKey()).get(0);
        String raw = rawKey();
        sim().addKey(raw, null, KeyStatus.VALID);
        String banned = bannedKey(raw)[0];
        sim().setLocationUnsupported(true);
        try {
            admin().post("/admin/keys/" + active + "/verify").then().statusCode(200).body("result", equalTo("UNKNOWN"))
                    .body("stateAfter", equalTo("ACTIVE"));
            revalidation.revalidateBanned().await().atMost(Duration.ofSeconds(30));
            admin().get("/admin/keys/" + banned).then().body("state", equalTo("BANNED"))
                    .body("lastCheckResult", org.hamcrest.Matchers.nullValue());
        } finally {
            sim().setLocationUnsupported(false);
        }
        // Each dead kind the 2026 reference lists is INVALID or DENIED, whatever the key's shape.
        for (KeyStatus status : new KeyStatus[]{KeyStatus.LEAKED, KeyStatus.EXPIRED, KeyStatus.TOKEN_TYPE_UNSUPPORTED,
                KeyStatus.NOT_FOUND, KeyStatus.SERVICE_BLOCKED}) {
            String dead = rawKey();
            sim().addKey(dead, null, status);
            String id = importKeys(unique("p"), dead).get(0);
            String expected = status == KeyStatus.SERVICE_BLOCKED ? "DENIED" : "INVALID";
            admin().post("/admin/keys/" + id + "/verify").then().statusCode(200).body("result", equalTo(expected))
                    .body("stateAfter", equalTo("BANNED"));
        }
    }

    @Test
    void unreachableUpstreamChangesNothing() {
        String raw = rawKey();
        sim().addKey(raw, null, KeyStatus.VALID);
        String[] banned = bannedKey(raw);
        String active = importKeys(unique("p"), rawKey()).get(0);
        sim().setLatency(Duration.ofSeconds(3), Duration.ZERO); // longer than the 1 s probe timeout of the test profile
        try {
            revalidation.revalidateBanned().await().atMost(Duration.ofSeconds(30));
            admin().post("/admin/keys/" + active + "/verify").then().statusCode(200).body("result", equalTo("UNKNOWN"))
                    .body("stateAfter", equalTo("ACTIVE"));
        } finally {
            sim().setLatency(Duration.ZERO, Duration.ZERO);
        }
        admin().get("/admin/keys/" + banned[0]).then().body("state", equalTo("BANNED"))
                .body("lastCheckResult", org.hamcrest.Matchers.nullValue());
        admin().get("/admin/keys/" + active).then().body("state", equalTo("ACTIVE"));
    }

    @Test
    void adminVerifyChecksOneOrManyKeysNow() {
        String good = rawKey();
        String bad = rawKey();
        sim().addKey(good, null, KeyStatus.VALID);
        String pool = unique("p");
        List<String> ids = importKeys(pool, good, bad);
        admin().post("/admin/keys/" + ids.get(1) + "/verify").then().statusCode(200)
                .body("result", equalTo("INVALID")).body("stateBefore", equalTo("ACTIVE"))
                .body("stateAfter", equalTo("BANNED")).body("masked", notNullValue());
        admin().contentType("application/json").body(Map.of("ids", ids)).post("/admin/keys/verify")
                .then().statusCode(200).body("checked", equalTo(2))
                .body("results.find { it.id == '" + ids.get(0) + "' }.result", equalTo("VALID"));
        admin().post("/admin/keys/999999999/verify").then().statusCode(404).body("error", notNullValue());
        // (no body would check every key of the shared test database: not done here)
        String answer = admin().contentType("application/json").body(Map.of("ids", List.of(ids.get(0))))
                .post("/admin/keys/verify").then().statusCode(200).body("checked", equalTo(1)).extract().asString();
        assertTrue(!answer.contains(good) && !answer.contains(bad));
        admin().contentType("application/json").body("{\"ids\":\"x\"}").post("/admin/keys/verify")
                .then().statusCode(400);
    }

    @Test
    void expiredLeasesAreClosedAndStillCount() throws Exception {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 10, 1);
        importKeys(pool, rawKey());
        String leaseId = lease(pool, model).then().statusCode(200).extract().path("leaseId");
        time.shift(Duration.ofMinutes(6)); // lease TTL is 5 minutes
        assertEquals(JobRunner.Result.RAN, jobs.run(KeypoolJobs.EXPIRE_LEASES).await().atMost(Duration.ofSeconds(30)));
        assertEquals("EXPIRED", leaseOutcome(leaseId));
        lease(pool, model).then().statusCode(429).body("reason", equalTo("DAY_EXHAUSTED")); // still counted
        // The gateway's late answer is still taken once.
        outcome(leaseId, Map.of("outcome", "SUCCESS"), 204);
        assertEquals("SUCCESS", leaseOutcome(leaseId));
    }

    /** Bounded: the server drops a closed connection's locks asynchronously, within milliseconds. */
    private static void awaitLockFreed(String job) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbcUrl("gp_test_keypool"), TestDatabase.user(),
                TestDatabase.password())) {
            for (int i = 0; i < 200; i++) {
                try (ResultSet rs = c.createStatement().executeQuery(
                        "SELECT IS_FREE_LOCK(CONCAT('gp:', DATABASE(), ':', '" + job + "'))")) {
                    rs.next();
                    if (rs.getInt(1) == 1) {
                        return;
                    }
                }
                Thread.sleep(25);
            }
        }
    }

    @Test
    void aJobLockHeldByADeadConnectionIsReleased() throws Exception {
        Connection holder = DriverManager.getConnection(TestDatabase.jdbcUrl("gp_test_keypool"), TestDatabase.user(),
                TestDatabase.password());
        try (ResultSet rs = holder.createStatement().executeQuery(
                "SELECT GET_LOCK(CONCAT('gp:', DATABASE(), ':', '" + KeypoolJobs.REVALIDATE + "'), 0)")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
        assertEquals(JobRunner.Result.LOCKED, jobs.run(KeypoolJobs.REVALIDATE).await().atMost(Duration.ofSeconds(30)));
        holder.close(); // the "replica" holding the lock dies
        awaitLockFreed(KeypoolJobs.REVALIDATE); // the server frees it once it has processed the disconnect
        assertEquals(JobRunner.Result.RAN, jobs.run(KeypoolJobs.REVALIDATE).await().atMost(Duration.ofSeconds(30)));
        // a second replica firing in the same tick skips
        assertEquals(JobRunner.Result.RAN_RECENTLY, jobs.run(KeypoolJobs.REVALIDATE).await().atMost(Duration.ofSeconds(30)));
        admin().post("/admin/jobs/nope/run").then().statusCode(404);
    }

    @Test
    void emptyPoolIsVisibleInHealthGroupAndMetricsButReadinessStaysUp() {
        String pool = bannedKey(rawKey())[1];
        given().get("/q/health/group/pools").then().statusCode(503)
                .body("checks[0].data.poolsWithoutActiveKey", containsString(pool));
        given().get("/q/health/ready").then().statusCode(200);
        metrics.refresh().await().atMost(Duration.ofSeconds(30));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("keypool_keys{state=\"BANNED\"}"))
                .body(containsString("keypool_pools_without_active_key"))
                .body(containsString("keypool_leases_granted_total"));
    }

    private static String leaseOutcome(String leaseId) throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbcUrl("gp_test_keypool"), TestDatabase.user(),
                TestDatabase.password()); ResultSet rs = c.createStatement()
                .executeQuery("SELECT outcome FROM gp_lease WHERE id = '" + leaseId + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String auditEvents(String keyId) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbcUrl("gp_test_keypool"), TestDatabase.user(),
                TestDatabase.password()); ResultSet rs = c.createStatement()
                .executeQuery("SELECT event FROM gp_key_audit WHERE key_id = " + Long.parseLong(keyId))) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append(' ');
            }
        }
        return sb.toString();
    }
}
