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
    void oneBadEventIsRefusedAloneAndTheGoodOnesOfItsBatchAreCounted() {
        String key = unique("key");
        String model = unique("model");
        int sent = 0;
        sent += assertRefusedAlone(key, model, "outcome", "MAYBE", "events[2].outcome");
        sent += assertRefusedAlone(key, model, "occurredAt", "yesterday", "events[2].occurredAt");
        sent += assertRefusedAlone(key, model, "occurredAt", "2026-04-02T18:00:00", "events[2].occurredAt");
        sent += assertRefusedAlone(key, model, "eventId", null, "events[2].eventId: required");
        sent += assertRefusedAlone(key, model, "eventId", "has space", "events[2].eventId");
        sent += assertRefusedAlone(key, model, "model", "", "events[2].model: required");
        // The hostile-client case: a 300-character model name must not cost the other clients their usage.
        sent += assertRefusedAlone(key, model, "model", "m".repeat(300), "events[2].model");
        sent += assertRefusedAlone(key, model, "promptTokens", -1, "events[2].promptTokens");
        sent += assertRefusedAlone(key, model, "httpStatus", 1000, "events[2].httpStatus");
        sent += assertRefusedAlone(key, model, "latencyMs", "fast", "events[2].latencyMs");
        assertEquals(sent, requests(DAY, key, model), "every valid event of those batches is counted");
    }

    /** Posts 4 events of which #2 is bad; returns how many valid events were sent. */
    private int assertRefusedAlone(String key, String model, String field, Object value, String message) {
        List<Map<String, Object>> events = new ArrayList<>(events(4, AT, key, model));
        events.set(2, with(events.get(2), field, value));
        post(events).statusCode(200).contentType("application/json")
                .body("accepted", equalTo(3)).body("duplicates", equalTo(0))
                .body("rejected.size()", equalTo(1)).body("rejected[0].index", equalTo(2))
                .body("rejected[0].error", containsString(message));
        return 3;
    }

    @Test
    void aBatchOfOnlyBadEventsIs400NamingEachAndWritesNothing() {
        String key = unique("key");
        String model = unique("model");
        List<Map<String, Object>> events = new ArrayList<>(events(3, AT, key, model));
        events.set(0, with(events.get(0), "model", "x".repeat(300)));
        events.set(1, with(events.get(1), "outcome", "MAYBE"));
        events.set(2, with(events.get(2), "occurredAt", "soon"));
        post(events).statusCode(400).contentType("application/json")
                .body("error", containsString("events[0].model"))
                .body("rejected.index", equalTo(List.of(0, 1, 2)))
                .body("rejected[1].eventId", equalTo(events.get(1).get("eventId")))
                .body("rejected[2].error", containsString("events[2].occurredAt"));
        assertEquals(0, requests(DAY, key, model));
        // Refused for good: the same batch again gets the same answer and still writes nothing.
        post(events).statusCode(400);
        assertEquals(0, requests(DAY, key, model));
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
