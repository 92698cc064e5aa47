package org.geminipool.usage.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** A database on a closed port: the service starts, stays live, and reports not ready. */
@QuarkusTest
@TestProfile(DatabaseDownTest.ClosedPort.class)
class DatabaseDownTest {

    public static class ClosedPort implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gemini-pool.db.url", "mysql://127.0.0.1:1",
                    "quarkus.datasource.jdbc.url", "jdbc:mysql://127.0.0.1:1/none?permitMysqlScheme&connectTimeout=1000",
                    "quarkus.datasource.reactive.url", "mysql://127.0.0.1:1/none");
        }
    }

    @Test
    void liveButNotReady() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'database' }.status", equalTo("DOWN"));
    }

    @Test
    void eventsAreRefusedWithServiceUnavailableNotAServerError() {
        given().header("Authorization", "Bearer test-internal-token").contentType("application/json")
                .body("{\"events\":[{\"eventId\":\"e-down-1\",\"occurredAt\":\"2026-11-26T12:00:00Z\","
                        + "\"model\":\"gemini-2.5-flash\",\"outcome\":\"SUCCESS\"}]}")
                .post("/usage/events")
                .then().statusCode(503).body("error", equalTo("database unavailable, retry later"));
    }
}
