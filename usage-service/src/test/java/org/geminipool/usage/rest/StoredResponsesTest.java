package org.geminipool.usage.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.geminipool.usage.UsageApi.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Responses door's store (/internal/responses/{id}) and the usage event's door column. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_usage"))
class StoredResponsesTest {

    @Inject
    Pool pool;

    private static Map<String, Object> entry(String owner, String data) {
        return Map.of("owner", owner, "project", "proj-1", "data", data);
    }

    @Test
    void storedResponseIsFoundByItsOwnerOnly() {
        String id = unique("resp");
        internal().body(entry("owner-a", "{\"x\":1}")).put("/internal/responses/" + id).then().statusCode(204);
        internal().queryParam("owner", "owner-a").get("/internal/responses/" + id).then().statusCode(200)
                .body("data", equalTo("{\"x\":1}")).body("project", equalTo("proj-1"));
        // Another client's token id: unknown, and it cannot overwrite it either.
        internal().queryParam("owner", "owner-b").get("/internal/responses/" + id).then().statusCode(404);
        internal().body(entry("owner-b", "{\"x\":2}")).put("/internal/responses/" + id).then().statusCode(409);
        internal().queryParam("owner", "owner-a").get("/internal/responses/" + id).then().statusCode(200)
                .body("data", equalTo("{\"x\":1}"));
        internal().queryParam("owner", "owner-a").delete("/internal/responses/" + id).then().statusCode(204);
        internal().queryParam("owner", "owner-a").get("/internal/responses/" + id).then().statusCode(404);
    }

    @Test
    void needsTheInternalTokenAndValidInput() {
        given().contentType("application/json").body(entry("o", "{}")).put("/internal/responses/r1").then().statusCode(401);
        given().queryParam("owner", "o").get("/internal/responses/r1").then().statusCode(401);
        internal().body(entry("o", "{}")).put("/internal/responses/a..b").then().statusCode(400);
        internal().body(Map.of("owner", "o")).put("/internal/responses/r2").then().statusCode(400);
        internal().get("/internal/responses/r2").then().statusCode(400);
    }

    @Test
    void expiredResponsesArePrunedByTheRetentionJob() {
        String id = unique("resp");
        internal().body(entry("owner-a", "{}")).put("/internal/responses/" + id).then().statusCode(204);
        pool.preparedQuery("UPDATE stored_response SET expires_at = '2020-01-01 00:00:00' WHERE response_id = ?")
                .execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10));
        internal().queryParam("owner", "owner-a").get("/internal/responses/" + id).then().statusCode(404);
        admin().post("/usage/prune").then().statusCode(200);
        long left = pool.preparedQuery("SELECT COUNT(*) FROM stored_response WHERE response_id = ?").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        assertEquals(0, left);
    }

    @Test
    void theDoorOfAnEventIsStored() {
        String key = unique("key");
        var e = with(event("2026-03-11T20:00:00.000Z", key, "gemini-3.8-flash"), "door", "messages");
        post(List.of(e)).statusCode(200).body("accepted", equalTo(1));
        String door = pool.preparedQuery("SELECT door FROM usage_event WHERE key_id = ?").execute(Tuple.of(key))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0);
        assertEquals("messages", door);
    }
}
