package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bad input gets a clear 4xx in the route's protocol, and costs no lease and no upstream call (design §6). */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class BadInputTest extends GatewayTestBase {

    private static final String GEMINI = "/v1beta/models/flash_lite_pool:generateContent";
    private static final String CHAT = "/v1/chat/completions";

    private long before;

    @BeforeEach
    void pools() {
        ensureDefaultPools();
        before = upstreamCalls();
    }

    private void nothingLeased() {
        assertEquals(before, upstreamCalls(), "no upstream call was made");
    }

    @Test
    void malformedJson() {
        client().contentType(ContentType.JSON).body("{\"contents\":[").post(GEMINI)
                .then().statusCode(400).body("error.code", equalTo(400)).body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", containsString("not valid JSON"));
        client().contentType(ContentType.JSON).body("{\"model\":").post(CHAT)
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("not valid JSON"));
        nothingLeased();
    }

    @Test
    void emptyBodyAndMissingFields() {
        client().contentType(ContentType.JSON).post(GEMINI).then().statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"));
        client().contentType(ContentType.JSON).post(CHAT).then().statusCode(400).body("error.type", equalTo("invalid_request_error"));
        client().contentType(ContentType.JSON).body("{}").post(GEMINI).then().statusCode(400)
                .body("error.message", containsString("contents"));
        client().contentType(ContentType.JSON).body("{\"model\":\"flash_lite_pool\"}").post(CHAT).then().statusCode(400)
                .body("error.message", containsString("messages"));
        client().contentType(ContentType.JSON).body("{\"model\":\"m\"}").post("/v1/embeddings").then().statusCode(400)
                .body("error.message", containsString("input"));
        nothingLeased();
    }

    @Test
    void unknownModelIsGooglesOwn404OnceNeverRetriedNeverABan() {
        // Any model is leasable (design §3); Google's "not found" is the client's fault: one call, no retry, no ban.
        client().contentType(ContentType.JSON).body(geminiBody("x")).post("/v1beta/models/no-such-model-xyz:generateContent")
                .then().statusCode(404).body("error.status", equalTo("NOT_FOUND"));
        client().contentType(ContentType.JSON).body(chatBody("no-such-model-xyz", "x", false)).post(CHAT)
                .then().statusCode(404).body("error.type", equalTo("not_found_error"));
        assertEquals(before + 2, upstreamCalls(), "one upstream call per request");
    }

    @Test
    void wrongMethodAndUnknownRoute() {
        client().get(GEMINI).then().statusCode(405).body("error.status", notNullValue());
        client().get(CHAT).then().statusCode(405).body("error.type", equalTo("invalid_request_error"));
        nothingLeased();
        // A path the gateway does not serve itself is passed through with a pooled key (gateway README
        // "Pass-through and affinity"): Google's own 404 comes back.
        sim().clearRequestLog();
        client().contentType(ContentType.JSON).body(geminiBody("x")).post("/v1beta/models/flash_lite_pool:fly")
                .then().statusCode(404).body("error.status", equalTo("NOT_FOUND"));
        client().post("/v1/completions").then().statusCode(404);
        assertEquals(List.of("POST /v1beta/models/flash_lite_pool:fly", "POST /v1/completions"), sim().requestLog());
    }

    @Test
    void oversizedBody() {
        String big = "x".repeat(70 * 1024);
        client().contentType(ContentType.JSON).body(geminiBody(big)).post(GEMINI)
                .then().statusCode(413).body("error.code", equalTo(413)).body("error.message", containsString("limit"));
        client().contentType(ContentType.JSON).body(chatBody("flash_lite_pool", big, false)).post(CHAT)
                .then().statusCode(413).body("error.type", equalTo("invalid_request_error"));
        nothingLeased();
    }

    @Test
    void missingOrBadToken() {
        given().contentType(ContentType.JSON).body(geminiBody("x")).post(GEMINI)
                .then().statusCode(401).body("error.status", equalTo("UNAUTHENTICATED"));
        given().header("x-goog-api-key", "wrong").contentType(ContentType.JSON).body(geminiBody("x")).post(GEMINI)
                .then().statusCode(401).body("error.status", equalTo("UNAUTHENTICATED"));
        given().contentType(ContentType.JSON).body(chatBody("flash_lite_pool", "x", false)).post(CHAT)
                .then().statusCode(401).body("error.type", equalTo("authentication_error"));
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON)
                .body(chatBody("flash_lite_pool", "x", false)).post(CHAT)
                .then().statusCode(401).body("error.type", equalTo("authentication_error"));
        given().get("/v1beta/models").then().statusCode(401);
        nothingLeased();
    }
}
