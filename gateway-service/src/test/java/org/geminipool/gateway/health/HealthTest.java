package org.geminipool.gateway.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** With no keypool listening the gateway is live but not ready. */
@QuarkusTest
@TestProfile(HealthTest.NoKeypool.class)
class HealthTest {

    public static class NoKeypool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gemini-pool.client-tokens", "test-client-token",
                    "gemini-pool.keypool-url", "http://127.0.0.1:1");
        }
    }

    @Test
    void liveButNotReadyWithoutKeypool() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'keypool' }.status", equalTo("DOWN"));
    }

    @Test
    void metricsInPrometheusFormat() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }
}
