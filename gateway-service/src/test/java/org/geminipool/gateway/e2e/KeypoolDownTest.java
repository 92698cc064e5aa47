package org.geminipool.gateway.e2e;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** No keypool listening: a clear 503 in the route's protocol, not a hang and not a 500. */
@QuarkusTest
@TestProfile(KeypoolDownTest.NoKeypool.class)
class KeypoolDownTest {

    public static class NoKeypool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gemini-pool.client-tokens", "down-token", "gemini-pool.keypool-url", "http://127.0.0.1:1",
                    "gemini-pool.usage-url", "http://127.0.0.1:1", "gemini-pool.openrouter-api-key", "");
        }
    }

    @Test
    void answers503InEachProtocol() {
        given().header("x-goog-api-key", "down-token").contentType(ContentType.JSON)
                .body("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]}")
                .post("/v1beta/models/flash_lite_pool:generateContent")
                .then().statusCode(503).body("error.status", equalTo("UNAVAILABLE"))
                .body("error.message", containsString("keypool"));
        given().header("Authorization", "Bearer down-token").contentType(ContentType.JSON)
                .body("{\"model\":\"flash_lite_pool\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(503).body("error.type", equalTo("api_error"))
                .body("error.message", containsString("keypool"));
    }
}
