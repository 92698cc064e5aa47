package org.geminipool.usage.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.geminipool.usage.UsageApi.*;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Auth and bad input on POST /usage/events: a clear 4xx JSON answer and nothing written. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_usage"))
class IngestValidationTest {

    static final String AT = "2026-04-02T18:00:00Z";
    static final String DAY = "2026-04-02";

    @Test
    void withoutTheInternalTokenIs401() {
        var body = batch(events(1, AT, "k", "m"));
        given().contentType("application/json").body(body).post("/usage/events").then().statusCode(401)
                .contentType("application/json").body("error", containsString("internal token"));
        given().header("Authorization", "Bearer wrong").contentType("application/json").body(body)
                .post("/usage/events").then().statusCode(401);
        given().header("Authorization", "Bearer " + ADMIN).contentType("application/json").body(body)
                .post("/usage/events").then().statusCode(401);
        // The token is checked before the body is read.
        given().contentType("application/json").body("{not json").post("/usage/events").then().statusCode(401);
    }

    @Test
    void malformedJsonIs400() {
        internal().body("{\"events\":[{").post("/usage/events").then().statusCode(400)
                .contentType("application/json").body("error", containsString("malformed JSON"));
        internal().body("{\"events\":{\"a\":1}}").post("/usage/events").then().statusCode(400)
                .contentType("application/json").body("error", containsString("events"));
        internal().body("{\"events\":[{\"eventId\":\"x\",\"latencyMs\":\"fast\"}]}").post("/usage/events").then()
                .statusCode(400).contentType("application/json");
        internal().body("").post("/usage/events").then().statusCode(400).contentType("application/json");
        internal().body("{}").post("/usage/events").then().statusCode(400)
                .body("error", containsString("events"));
    }

    @Test
    void oneBadEventRejectsTheWholeBatch() {
        String key = unique("key");
        String model = unique("model");
        assertRejected(key, model, "outcome", "MAYBE", "events[2].outcome");
        assertRejected(key, model, "occurredAt", "yesterday", "events[2].occurredAt");
        assertRejected(key, model, "occurredAt", "2026-04-02T18:00:00", "events[2].occurredAt");
        assertRejected(key, model, "eventId", null, "events[2].eventId: required");
        assertRejected(key, model, "eventId", "has space", "events[2].eventId");
        assertRejected(key, model, "model", "", "events[2].model: required");
        assertRejected(key, model, "model", "m".repeat(129), "events[2].model");
        assertRejected(key, model, "promptTokens", -1, "events[2].promptTokens");
        assertRejected(key, model, "httpStatus", 1000, "events[2].httpStatus");
        assertEquals(0, requests(DAY, key, model));
        // The valid events of those batches were not written: sent alone now, they are all new.
        post(events(3, AT, key, model)).statusCode(200).body("accepted", equalTo(3));
    }

    private void assertRejected(String key, String model, String field, Object value, String message) {
        List<Map<String, Object>> events = new ArrayList<>(events(4, AT, key, model));
        events.set(2, with(events.get(2), field, value));
        post(events).statusCode(400).contentType("application/json").body("error", containsString(message));
    }

    @Test
    void nullEventIs400() {
        internal().body("{\"events\":[null]}").post("/usage/events").then().statusCode(400)
                .body("error", containsString("events[0]"));
    }

    @Test
    void oversizedBatchIs413AndNothingWritten() {
        String key = unique("key");
        String model = unique("model");
        // %test max-batch-size is 50
        post(events(51, AT, key, model)).statusCode(413).contentType("application/json")
                .body("error", containsString("limit of 50"));
        assertEquals(0, requests(DAY, key, model));
        post(events(50, AT, key, model)).statusCode(200).body("accepted", equalTo(50));
    }
}
