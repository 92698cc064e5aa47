package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.geminipool.gateway.routing.FamilyResolver;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Today's Google out of the box (design §3, §5): keys of every kind, any current model served with no quota row,
 * limits learned from Google's own 429s with at most one refused call per (project, quota model, window), limit 0 on
 * pro answered by the expert route's fallback, the input-token bucket, retired models skipped, family targets that
 * follow the catalogue, and the 2026 key-dead / project-dead / location / foreign-object answers end to end.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class TodaysGeminiTest extends GatewayTestBase {

    @Inject
    FamilyResolver families;

    private static Response generate(String model, String text) {
        return client().contentType(ContentType.JSON).body(geminiBody(text))
                .post("/v1beta/models/" + model + ":generateContent");
    }

    private void routesTo(String pool, String... targets) {
        StringBuilder yaml = new StringBuilder("pools:\n  " + pool + ": {}\nroutes:\n  - name: only\n    match: { models: [only] }\n    targets:\n");
        for (String t : targets) {
            yaml.append("      - { pool: ").append(pool).append(", ").append(t).append(" }\n");
        }
        useRoutes(yaml.toString());
    }

    @Test
    void anAuthKeyImportsAndServesAndNeverAppearsRaw() throws Exception {
        String pool = unique("aq");
        String key = authKey();
        String id = addKey(key, unique("aq-project"), KeyStatus.VALID, pool);
        routesTo(pool, "model: gemini-3.8-flash");
        String answer = generate("only", "hello").then().statusCode(200).extract().asString();
        assertFalse(answer.contains(key));
        assertEquals("ACTIVE", keyInfo(id).getString("state"));
        assertTrue(keyInfo(id).getString("masked").startsWith("AQ."));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertFalse(metrics.contains(key));
        // Upstream messages that quote a key of this kind are masked before they reach a client.
        String suspended = authKey();
        String project = unique("aq-suspended");
        addKey(suspended, project, KeyStatus.SUSPENDED, pool);
        for (int i = 0; i < 4; i++) {
            assertFalse(generate("only", "again").asString().contains(suspended));
        }
        try (Stream<Path> logs = Files.list(Path.of("target", "service-logs"))) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log);
                assertFalse(text.contains(key) || text.contains(suspended), "raw key in " + log);
            }
        }
    }

    @Test
    void aCurrentModelIsServedAtOnceAndItsDailyLimitIsLearnedWithOneRefusalPerProject() {
        String model = "gemini-3.9-test-" + unique("m").replace('-', 'x').toLowerCase();
        sim().setDefaultQuota(model, 100, 4, 1_000_000); // Google's own limits, unknown to the keypool
        String pool = unique("learn");
        List<String> projects = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String project = unique("learn-p");
            projects.add(project);
            addKey(newKey(), project, KeyStatus.VALID, pool);
        }
        routesTo(pool, "model: " + model);
        int served = 0;
        int refused = 0;
        for (int i = 0; i < 20; i++) {
            int status = generate("only", "ask " + i).statusCode();
            if (status == 200) {
                served++;
            } else {
                assertEquals(429, status);
                refused++;
            }
        }
        assertEquals(12, served, "every request of the simulator's capacity (3 projects × 4 a day) is delivered");
        assertEquals(8, refused);
        for (String project : projects) {
            assertTrue(sim().refused(project, model) <= 1, "at most one refused call per project: " + project);
            assertEquals(4, sim().accepted(project, model));
        }
        // Once learned, a spent day costs Google nothing more.
        long before = projects.stream().mapToLong(p -> sim().refused(p, model)).sum();
        for (int i = 0; i < 5; i++) {
            generate("only", "more").then().statusCode(429);
        }
        assertEquals(before, projects.stream().mapToLong(p -> sim().refused(p, model)).sum());
    }

    @Test
    void limitZeroEverywhereMovesTheRouteToTheFlashFallbackWithHighThinking() {
        String pro = unique("pro-free");
        String flash = unique("flash-free");
        for (int i = 0; i < 2; i++) {
            addKey(newKey(), unique("pz"), KeyStatus.VALID, pro);
        }
        String flashKey = newKey();
        addKey(flashKey, unique("fz"), KeyStatus.VALID, flash);
        useRoutes("pools:\n  " + pro + ": {}\n  " + flash + ": {}\nroutes:\n  - name: expert\n"
                + "    match: { keywords: [\"[专家模式]\"] }\n    targets:\n"
                + "      - { pool: " + pro + ", family: pro }\n"
                + "      - { pool: " + flash + ", family: flash, thinkingLevel: HIGH }\n");
        long proCallsBefore = upstreamCalls();
        Response r = generate("gemini-3.8-flash", "[专家模式] think hard");
        r.then().statusCode(200).header("x-gemini-pool-route", equalTo("expert/" + flash + ":gemini-3.8-flash"));
        // Two free pro projects: at most one refused call each (the second learns from the first's hint probe).
        assertTrue(upstreamCalls() - proCallsBefore <= 3, "calls: " + (upstreamCalls() - proCallsBefore));
        long after = upstreamCalls();
        generate("gemini-3.8-flash", "[专家模式] again").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("expert/" + flash + ":gemini-3.8-flash"));
        assertEquals(after + 1, upstreamCalls(), "pro is parked: the second request goes straight to the fallback");
        assertTrue(sim().lastRequestBody(flashKey).contains("\"thinkingLevel\":\"HIGH\""),
                "the fallback thinks hard (thinkingLevel HIGH)");
    }

    @Test
    void aLongPromptGoesToAProjectWithTokenRoomOnceTheLimitIsKnown() {
        String model = "gemini-3.9-tpm-" + unique("m").replace('-', 'x').toLowerCase();
        sim().setDefaultQuota(model, 100, 1000, 1_000_000);
        String pool = unique("tpm");
        String small = unique("tpm-small");
        String big = unique("tpm-big");
        sim().setProjectQuota(small, model, 100, 1000, 300);
        addKey(newKey(), small, KeyStatus.VALID, pool);
        addKey(newKey(), big, KeyStatus.VALID, pool);
        routesTo(pool, "model: " + model);
        String longPrompt = "word ".repeat(800); // ~1000 tokens: more than the small project's 300 per minute
        for (int i = 0; i < 6; i++) {
            Response r = generate("only", longPrompt + i);
            assertEquals(200, r.statusCode(), r.asString());
        }
        assertTrue(sim().refused(small, model) <= 1, "one TPM refusal teaches the limit; then long prompts go elsewhere");
    }

    @Test
    void aRetiredModelInTheFirstTargetIsSkippedAndAFamilyFollowsTheCatalogue() throws Exception {
        String pool = unique("retired");
        addKey(newKey(), unique("retired-p"), KeyStatus.VALID, pool);
        routesTo(pool, "model: gemini-2.0-flash", "family: flash");
        generate("only", "hi").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("only/" + pool + ":gemini-3.8-flash"));
        long calls = upstreamCalls();
        generate("only", "hi again").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("only/" + pool + ":gemini-3.8-flash"));
        assertEquals(calls + 1, upstreamCalls(), "the retired target is skipped without a call");

        sim().addModel("gemini-3.9-flash", "gemini-3.8-flash");
        try {
            families.refresh().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            generate("only", "newest").then().statusCode(200)
                    .header("x-gemini-pool-route", equalTo("only/" + pool + ":gemini-3.9-flash"));
        } finally {
            sim().removeModel("gemini-3.9-flash");
            families.refresh().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aModelClosedToNewProjectsReachesTheLegacyProjectInOneRequest() {
        // More new projects than GEMINI_POOL_MAX_ATTEMPTS (10): each answers 404 "no longer available to new users",
        // which spends no attempt, so the one legacy project that still serves the model is reached at once.
        String pool = unique("closed");
        for (int i = 0; i < 12; i++) {
            addKey(newKey(), unique("closed-new"), KeyStatus.VALID, pool);
        }
        String legacy = unique("closed-legacy");
        sim().setProjectLegacy(legacy, true);
        try {
            addKey(newKey(), legacy, KeyStatus.VALID, pool);
            // The legacy project has been used this minute, so the keypool offers every unused new project first.
            for (int i = 0; i < 3; i++) {
                given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                        .header("Authorization", "Bearer " + PoolServicesTestResource.INTERNAL_TOKEN)
                        .contentType(ContentType.JSON)
                        .body(java.util.Map.of("pool", pool, "model", "gemini-2.5-flash", "requestId", "pre-" + i,
                                "project", legacy))
                        .post("/leases").then().statusCode(200);
            }
            routesTo(pool, "model: gemini-2.5-flash");
            long calls = upstreamCalls();
            generate("only", "served by the legacy project").then().statusCode(200);
            assertEquals(1, sim().accepted(legacy, "gemini-2.5-flash"));
            for (int i = 0; i < 3; i++) {
                generate("only", "again " + i).then().statusCode(200);
            }
            // each new project answered its 404 once at most; the keypool never offers it the model again
            assertTrue(upstreamCalls() - calls <= 4 + 12, "a new project was asked twice: " + (upstreamCalls() - calls));
        } finally {
            sim().setProjectLegacy(legacy, false);
        }
    }

    @Test
    void deadKeysAndDeadProjectsAreBannedAndTheRequestIsServedElsewhere() {
        String pool = unique("dead");
        String leaked = addKey(newKey(), unique("leaked"), KeyStatus.LEAKED, pool);
        String unsupported = addKey(newKey(), unique("kind"), KeyStatus.TOKEN_TYPE_UNSUPPORTED, pool);
        String deniedProject = unique("denied");
        String denied1 = addKey(newKey(), deniedProject, KeyStatus.VALID, pool);
        String denied2 = addKey(newKey(), deniedProject, KeyStatus.VALID, pool);
        sim().setProjectDenied(deniedProject);
        String good = addKey(newKey(), unique("good"), KeyStatus.VALID, pool);
        routesTo(pool, "model: gemini-3.8-flash");
        for (int i = 0; i < 6; i++) {
            generate("only", "serve me " + i).then().statusCode(200);
        }
        assertEquals("BANNED", keyInfo(leaked).getString("state"));
        assertEquals("BANNED", keyInfo(unsupported).getString("state"));
        assertEquals("BANNED", keyInfo(denied1).getString("state"));
        assertEquals("BANNED", keyInfo(denied2).getString("state"), "a dead project bans all its keys at once");
        assertEquals("ACTIVE", keyInfo(good).getString("state"));
    }

    @Test
    void aLocationRefusalBansNothingAndIsNotSprayedOverThePool() {
        String pool = unique("loc");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(addKey(newKey(), unique("loc-p"), KeyStatus.VALID, pool));
        }
        routesTo(pool, "model: gemini-3.8-flash");
        sim().setLocationUnsupported(true);
        long calls = upstreamCalls();
        try {
            generate("only", "from here").then().statusCode(503).body("error.message", containsString("location"));
        } finally {
            sim().setLocationUnsupported(false);
        }
        assertEquals(calls + 1, upstreamCalls(), "one call: the other keys share the same egress");
        for (String id : ids) {
            assertEquals("ACTIVE", keyInfo(id).getString("state"));
        }
    }

    @Test
    void anotherProjectsFileIsTheClientsFaultNeverABan() {
        String pool = unique("file");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(addKey(newKey(), unique("file-p"), KeyStatus.VALID, pool));
        }
        routesTo(pool, "model: gemini-3.8-flash");
        long calls = upstreamCalls();
        client().contentType(ContentType.JSON).body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"},"
                        + "{\"fileData\":{\"mimeType\":\"application/pdf\",\"fileUri\":"
                        + "\"https://generativelanguage.googleapis.com/v1beta/files/abc123\"}}]}]}")
                .post("/v1beta/models/only:generateContent").then().statusCode(404)
                .body("error.message", containsString("files/abc123 is not known to this pool"));
        // Affinity (gateway README): a file the pool never saw is refused before any key is spent on it.
        assertEquals(calls, upstreamCalls(), "no upstream call for a file the pool does not know");
        for (String id : ids) {
            assertEquals("ACTIVE", keyInfo(id).getString("state"));
        }
    }

    @Test
    void theShippedRoutesServeEveryCategoryAgainstTodaysCatalogue() {
        routeTable.reset(); // the built-in default-routes.yaml
        ensureDefaultPools();
        String paid = unique("paid-image");
        sim().setProjectTier(paid, org.geminipool.simulator.ProjectTier.PAID);
        addKey(newKey(), paid, KeyStatus.VALID, "image");
        String chat = "/v1/chat/completions";
        client().header("x-gemini-pool-route", "background").contentType(ContentType.JSON)
                .body(chatBody("gemini-3.8-flash", "nightly", false)).post(chat).then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("background/flash-lite:gemini-3.5-flash-lite"));
        client().contentType(ContentType.JSON).body("{\"content\":{\"parts\":[{\"text\":\"vector\"}]}}")
                .post("/v1beta/models/gemini-embedding-001:embedContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("embedding/embedding:gemini-embedding-001"));
        client().contentType(ContentType.JSON).body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a cat\"}]}],"
                        + "\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"]}}")
                .post("/v1beta/models/default:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("image/image:gemini-3.1-flash-image"));
        client().contentType(ContentType.JSON).body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"news\"}]}],"
                        + "\"tools\":[{\"googleSearch\":{}}]}")
                .post("/v1beta/models/default:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("search/flash-lite:gemini-3.5-flash-lite"));
        generate("gemini-3.8-flash", "[专家模式] review").then().statusCode(200)
                .header("x-gemini-pool-route", startsWith("expert/"));
        client().contentType(ContentType.JSON).body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"why\"}]}],"
                        + "\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}}")
                .post("/v1beta/models/default:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", startsWith("think/"));
        // long-context (> 60000 estimated tokens) needs a body larger than this test profile's 64K limit; the
        // condition itself is covered by RouteCategoriesTest with a lower threshold.
        generate("flash_lite_pool", "bulk").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("bulk/flash-lite:gemini-3.5-flash-lite"));
        client().contentType(ContentType.JSON).body("{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .post(chat).then().statusCode(200).header("x-gemini-pool-route", equalTo("default/flash:gemini-3.8-flash"));
    }
}
