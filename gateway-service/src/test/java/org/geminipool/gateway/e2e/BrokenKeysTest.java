package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool where some keys are invalid, some suspended, some per-minute limited and some spent for the day: every request
 * that can be served is served, the broken keys end up banned, and Google sees at most one wasted call per broken key.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class BrokenKeysTest extends GatewayTestBase {

    private static final String MODEL = "gemini-3.8-flash";

    @Test
    void mixedPoolServesEveryRequestAndBansTheBrokenKeys() {
        String pool = unique("mixed");
        List<String> invalid = new ArrayList<>();
        List<String> suspended = new ArrayList<>();
        List<String> minuteLimited = new ArrayList<>();
        List<String> dayExhausted = new ArrayList<>();
        List<String> good = new ArrayList<>();
        List<String> invalidIds = new ArrayList<>();
        List<String> suspendedIds = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String k = newKey();
            invalid.add(k);
            invalidIds.add(addKey(k, unique("p-invalid"), KeyStatus.INVALID, pool));
            k = newKey();
            suspended.add(k);
            suspendedIds.add(addKey(k, unique("p-suspended"), KeyStatus.SUSPENDED, pool));

            k = newKey();
            String project = unique("p-minute");
            minuteLimited.add(k);
            addKey(k, project, KeyStatus.VALID, pool);
            // Google's limit for this project is 1 per minute, and that one is already used (the keypool cannot know).
            sim().setProjectQuota(project, MODEL, 1, 1000);
            given().baseUri(sim().baseUrl()).header("x-goog-api-key", k).contentType(ContentType.JSON)
                    .body(geminiBody("use up the minute")).post("/v1beta/models/" + MODEL + ":generateContent")
                    .then().statusCode(200);

            k = newKey();
            project = unique("p-day");
            dayExhausted.add(k);
            addKey(k, project, KeyStatus.VALID, pool);
            sim().exhaustDay(project, MODEL);
        }
        for (int i = 0; i < 3; i++) {
            String k = newKey();
            good.add(k);
            addKey(k, unique("p-good"), KeyStatus.VALID, pool);
        }
        useRoutes("routes:\n  - name: mixed\n    match: { models: [mixed_pool] }\n    targets: [ { pool: " + pool
                + ", model: " + MODEL + " } ]\n");

        int requests = 12;
        for (int i = 0; i < requests; i++) {
            boolean openAi = i % 2 == 1;
            if (openAi) {
                client().contentType(ContentType.JSON).body(chatBody("mixed_pool", "request " + i, false))
                        .post("/v1/chat/completions").then().statusCode(200);
            } else {
                client().contentType(ContentType.JSON).body(geminiBody("request " + i))
                        .post("/v1beta/models/mixed_pool:generateContent").then().statusCode(200);
            }
        }

        // A minute-limited key may serve if its minute rolled over meanwhile (its first accepted call was ours).
        long served = good.stream().mapToLong(k -> sim().accepted(k)).sum()
                + minuteLimited.stream().mapToLong(k -> sim().accepted(k) - 1).sum();
        assertEquals(requests, served, "every request was served once");
        List<String> broken = new ArrayList<>();
        broken.addAll(invalid);
        broken.addAll(suspended);
        broken.addAll(minuteLimited);
        broken.addAll(dayExhausted);
        for (String k : broken) {
            assertTrue(sim().refused(k) <= 1, "at most one wasted call per broken key, got " + sim().refused(k));
        }
        for (String id : invalidIds) {
            assertEquals("BANNED", keyInfo(id).getString("state"), "invalid key " + id + " is banned");
        }
        for (String id : suspendedIds) {
            assertEquals("BANNED", keyInfo(id).getString("state"), "suspended key " + id + " is banned");
        }
    }
}
