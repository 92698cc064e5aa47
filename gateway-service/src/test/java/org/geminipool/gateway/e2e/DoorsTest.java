package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.geminipool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Responses and Messages doors from the gateway's side (issue 20): the same attempt loop with OpenRouter as a
 * fallback, stored responses owned by their client, usage events naming the door, and bad input answered 4xx in each
 * door's protocol before any lease. The official SDKs are driven by {@link DoorsSdkTest}.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class DoorsTest extends GatewayTestBase {

    @AfterEach
    void builtInRoutes() {
        routeTable.reset();
    }

    private static String message(String model, String text, boolean stream) {
        return "{\"model\":" + quote(model) + ",\"max_tokens\":256,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + quote(text) + "}]}";
    }

    private static String response(String model, String text, boolean stream) {
        return "{\"model\":" + quote(model) + ",\"stream\":" + stream + ",\"input\":" + quote(text) + "}";
    }

    @Test
    void bothDoorsFallBackToOpenRouter() {
        ensureDefaultPools();
        useRoutes("""
                routes:
                  - name: or-only
                    match: { models: [door-openrouter] }
                    targets: [ { provider: openrouter, model: google/gemini-3.8-flash } ]
                """);
        client().header("anthropic-version", "2023-06-01").contentType(ContentType.JSON)
                .body(message("door-openrouter", "via openrouter", false)).post("/v1/messages").then().statusCode(200)
                .header("x-gemini-pool-route", startsWith("or-only/openrouter:"))
                .body("type", equalTo("message")).body("content[0].text", containsString("via openrouter"))
                .body("usage.output_tokens", org.hamcrest.Matchers.greaterThan(0));
        String sse = client().contentType(ContentType.JSON).body(message("door-openrouter", "stream via openrouter", true))
                .post("/v1/messages").then().statusCode(200).extract().asString();
        assertTrue(sse.startsWith("event: message_start") && sse.contains("stream via openrouter")
                && sse.contains("event: message_stop"), sse);
        client().contentType(ContentType.JSON).body(response("door-openrouter", "responses via openrouter", false))
                .post("/v1/responses").then().statusCode(200).body("object", equalTo("response"))
                .body("output[0].content[0].text", containsString("responses via openrouter"));
        String rs = client().contentType(ContentType.JSON).body(response("door-openrouter", "rs via openrouter", true))
                .post("/v1/responses").then().statusCode(200).extract().asString();
        assertTrue(rs.contains("event: response.output_text.delta") && rs.contains("event: response.completed"), rs);
    }

    @Test
    void aStoredResponseIsOnlyItsOwnersAndUsageNamesTheDoor() throws Exception {
        ensureDefaultPools();
        String id = client().contentType(ContentType.JSON).body(response("flash_lite_pool", "keep me", false))
                .post("/v1/responses").then().statusCode(200).extract().path("id");
        client().get("/v1/responses/" + id).then().statusCode(200).body("id", equalTo(id));
        // Another client token: unknown, for reading and for chaining.
        given().header("Authorization", "Bearer " + PoolServicesTestResource.SECOND_CLIENT_TOKEN)
                .get("/v1/responses/" + id).then().statusCode(404).body("error.type", equalTo("not_found_error"));
        given().header("Authorization", "Bearer " + PoolServicesTestResource.SECOND_CLIENT_TOKEN)
                .contentType(ContentType.JSON).body("{\"model\":\"flash_lite_pool\",\"previous_response_id\":\"" + id
                        + "\",\"input\":\"x\"}").post("/v1/responses").then().statusCode(404);
        // store: false keeps nothing.
        String unstored = client().contentType(ContentType.JSON)
                .body("{\"model\":\"flash_lite_pool\",\"store\":false,\"input\":\"forget me\"}")
                .post("/v1/responses").then().statusCode(200).body("store", equalTo(false)).extract().path("id");
        client().get("/v1/responses/" + unstored).then().statusCode(404);
        client().contentType(ContentType.JSON).body(message("claude-haiku-4-5", "door usage", false))
                .post("/v1/messages").then().statusCode(200);
        awaitUsageShipped();
        List<String> doors = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbcUrl(PoolServicesTestResource.USAGE_DB),
                TestDatabase.user(), TestDatabase.password());
             PreparedStatement st = c.prepareStatement("SELECT DISTINCT door FROM usage_event WHERE door IS NOT NULL");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                doors.add(rs.getString(1));
            }
        }
        assertTrue(doors.contains("responses") && doors.contains("messages"), "doors in usage_event: " + doors);
    }

    @Test
    void badInputIsAnsweredInEachDoorsProtocolBeforeAnyLease() {
        ensureDefaultPools();
        long before = upstreamCalls();
        // Anthropic shape
        for (String body : List.of("{not json", "{\"model\":\"claude-haiku-4-5\",\"messages\":[]}",
                "{\"model\":\"a b\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "{\"model\":\"claude-haiku-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"tool_result\",\"tool_use_id\":\"x\",\"content\":\"y\"}]}]}",
                "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"stream\":\"yes\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"x\"}]}")) {
            client().contentType(ContentType.JSON).body(body).post("/v1/messages").then().statusCode(400)
                    .body("type", equalTo("error")).body("error.type", equalTo("invalid_request_error"));
        }
        given().header("x-api-key", "wrong").contentType(ContentType.JSON).body(message("claude-haiku-4-5", "x", false))
                .post("/v1/messages").then().statusCode(401).body("error.type", equalTo("authentication_error"));
        given().contentType(ContentType.JSON).body(message("claude-haiku-4-5", "x", false))
                .post("/v1/messages").then().statusCode(401).body("type", equalTo("error"));
        client().get("/v1/messages").then().statusCode(405).body("type", equalTo("error"));
        client().contentType(ContentType.JSON).body("{}").post("/v1/messages/batches").then().statusCode(404)
                .body("error.type", equalTo("not_found_error"));
        // OpenAI shape
        for (String body : List.of("{not json", "{\"model\":\"flash_lite_pool\"}", "{\"input\":\"x\"}",
                "{\"model\":\"flash_lite_pool\",\"input\":\"x\",\"previous_response_id\":\"../x\"}",
                "{\"model\":\"flash_lite_pool\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"o\"}]}",
                "{\"model\":\"flash_lite_pool\",\"input\":\"x\",\"tools\":[{\"type\":\"computer_use_preview\"}]}",
                "{\"model\":\"flash_lite_pool\",\"input\":\"x\",\"reasoning\":{\"effort\":\"extreme\"}}")) {
            client().contentType(ContentType.JSON).body(body).post("/v1/responses").then().statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"));
        }
        client().get("/v1/responses/a%2E%2E").then().statusCode(org.hamcrest.Matchers.either(equalTo(400)).or(equalTo(404)));
        client().get("/v1/responses/resp_nothing_here").then().statusCode(404).body("error.type", equalTo("not_found_error"));
        assertEquals(before, upstreamCalls(), "a refused request reached the upstream");
    }

    @Test
    void anExhaustedPoolIsAnAnthropicRateLimitError() {
        useRoutes("""
                routes:
                  - name: nothing-left
                    match: { models: [door-empty] }
                    targets: [ { pool: door-empty-pool, model: gemini-3.8-flash } ]
                """);
        Response r = client().contentType(ContentType.JSON).body(message("door-empty", "x", false)).post("/v1/messages");
        r.then().body("type", equalTo("error"));
        // No key in that pool: 429 rate_limit_error (retry later), or 404 when the keypool knows no such pool/model.
        int status = r.statusCode();
        assertTrue(status == 429 || status == 404, r.asString());
        assertEquals(status == 429 ? "rate_limit_error" : "not_found_error", r.path("error.type"));
    }
}
