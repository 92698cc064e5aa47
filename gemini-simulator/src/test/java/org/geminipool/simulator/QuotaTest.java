package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuotaTest extends SimTestBase {

    private static final String FLASH = "/v1beta/models/gemini-3.8-flash:generateContent";

    private static int call(String key, String path) {
        return json(userText("q")).header("x-goog-api-key", key).post(path).then().extract().statusCode();
    }

    @Test
    void theRpmPlusFirstRequestInAMinuteGetsThePerMinute429() {
        String key = validKey("p1");
        alignToPacificNoon();
        for (int i = 0; i < 10; i++) {
            assertEquals(200, call(key, FLASH), "request " + (i + 1) + " of the 10 RPM");
        }
        JsonPath err = json(userText("q")).header("x-goog-api-key", key).post(FLASH).then().statusCode(429)
                .body("error.code", equalTo(429))
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"))
                .body("error.details[0].'@type'", equalTo("type.googleapis.com/google.rpc.Help"))
                .body("error.details[1].'@type'", equalTo("type.googleapis.com/google.rpc.QuotaFailure"))
                .body("error.details[1].violations[0].quotaId",
                        equalTo("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"))
                .body("error.details[1].violations[0].quotaMetric",
                        equalTo("generativelanguage.googleapis.com/generate_content_free_tier_requests"))
                .body("error.details[1].violations[0].quotaDimensions.model", equalTo("gemini-3.8-flash"))
                .body("error.details[1].violations[0].quotaDimensions.location", equalTo("global"))
                .body("error.details[1].violations[0].quotaValue", equalTo("10"))
                .body("error.details[2].'@type'", equalTo("type.googleapis.com/google.rpc.RetryInfo"))
                .extract().jsonPath();
        String message = err.getString("error.message");
        assertTrue(message.startsWith("You exceeded your current quota"), message);
        assertTrue(message.contains("* Quota exceeded for metric: generativelanguage.googleapis.com/"
                + "generate_content_free_tier_requests, limit: 10, model: gemini-3.8-flash"), message);
        Matcher m = Pattern.compile("Please retry in ([0-9.]+)s\\.$").matcher(message);
        assertTrue(m.find(), message);
        double retry = Double.parseDouble(m.group(1));
        assertTrue(retry > 0 && retry <= 60, "retry " + retry);
        String delay = err.getString("error.details[2].retryDelay");
        assertEquals(((long) Math.floor(retry)) + "s", delay);
        assertEquals(10, sim.accepted("p1", "gemini-3.8-flash"));
        assertEquals(1, sim.refused("p1", "gemini-3.8-flash"));
        assertEquals(10, sim.used("p1", "gemini-3.8-flash")[0], "the 429 consumed nothing");
        // another model of the same project has its own bucket
        assertEquals(200, call(key, "/v1beta/models/gemini-3.6-flash:generateContent"));
        // the next fixed window is fresh
        sim.advanceClock(Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) {
            assertEquals(200, call(key, FLASH));
        }
        assertEquals(429, call(key, FLASH));
    }

    @Test
    void twoKeysOfOneProjectShareTheBucketOtherProjectsDoNot() {
        String a = validKey("shared");
        String b = validKey("shared");
        String c = validKey("other");
        sim.setDefaultQuota("gemini-4-argon", 2, 100);
        alignToPacificNoon();
        String pro = "/v1beta/models/gemini-4-argon:generateContent";
        assertEquals(200, call(a, pro));
        assertEquals(200, call(b, pro));
        assertEquals(429, call(a, pro));
        assertEquals(429, call(b, pro));
        assertEquals(200, call(c, pro));
        assertEquals(1, sim.accepted(a));
        assertEquals(1, sim.refused(a));
        assertEquals(2, sim.accepted("shared", "gemini-4-argon"));
        assertEquals(2, sim.refused("shared", "models/gemini-4-argon"));
        sim.resetCounters();
        assertEquals(0, sim.accepted(a));
        assertEquals(0, sim.accepted("shared", "gemini-4-argon"));
    }

    @Test
    void projectOverrideBeatsTheDefault() {
        String key = validKey("paid");
        sim.setProjectQuota("paid", "gemini-4-argon", 1000, 10000);
        alignToPacificNoon();
        for (int i = 0; i < 6; i++) {
            assertEquals(200, call(key, "/v1beta/models/gemini-4-argon:generateContent"));
        }
    }

    @Test
    void dayExhaustionLastsUntilPacificMidnight() {
        String key = validKey("p1");
        alignToPacificNoon();
        assertEquals(200, call(key, FLASH));
        sim.exhaustDay("p1", "gemini-3.8-flash");
        json(userText("q")).header("x-goog-api-key", key).post(FLASH).then().statusCode(429)
                .body("error.details[1].violations[0].quotaId",
                        equalTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier"))
                .body("error.details[1].violations[0].quotaValue", equalTo("250"))
                .body("error.details[2].retryDelay", org.hamcrest.Matchers.matchesPattern("[0-9]+s"));
        sim.advanceClock(Duration.ofHours(6));
        assertEquals(429, call(key, FLASH), "still the same Pacific day at 18:00");
        sim.advanceClock(untilNextPacificMidnight().minusSeconds(2));
        assertEquals(429, call(key, FLASH), "23:59:58 Pacific");
        sim.advanceClock(Duration.ofSeconds(3));
        assertEquals(200, call(key, FLASH), "a new Pacific day");
    }

    @Test
    void rpdIsCountedPerPacificDay() {
        String key = validKey("p1");
        sim.setDefaultQuota("gemini-3.1-flash-lite", 100, 3);
        alignToPacificNoon();
        String lite = "/v1beta/models/gemini-3.1-flash-lite:generateContent";
        for (int i = 0; i < 3; i++) {
            assertEquals(200, call(key, lite));
            sim.advanceClock(Duration.ofMinutes(61));
        }
        json(userText("q")).header("x-goog-api-key", key).post(lite).then().statusCode(429)
                .body("error.details[1].violations.quotaId",
                        equalTo(List.of("GenerateRequestsPerDayPerProjectPerModel-FreeTier")));
        sim.advanceClock(untilNextPacificMidnight().plusSeconds(1));
        assertEquals(200, call(key, lite));
    }

    @Test
    void injectedFailuresLookLikeGoogleAndConsumeNothing() {
        String key = validKey("p1");
        alignToPacificNoon();
        sim.failNext(2, 503);
        json(userText("q")).header("x-goog-api-key", key).post(FLASH).then().statusCode(503)
                .body("error.code", equalTo(503)).body("error.status", equalTo("UNAVAILABLE"))
                .body("error.message", equalTo(HIGH_DEMAND));
        json(userText("q")).header("x-goog-api-key", key).post("/v1beta/models/gemini-3.6-flash:generateContent")
                .then().statusCode(503);
        sim.failNext(1, 503, UnavailableText.OVERLOADED);
        json(userText("q")).header("x-goog-api-key", key).post("/v1beta/models/gemini-3.6-flash:generateContent")
                .then().statusCode(503).body("error.message", equalTo("The model is overloaded. Please try again later."));
        assertEquals(200, call(key, FLASH));
        sim.failNext(1, 500);
        json(userText("q")).header("x-goog-api-key", key).post(FLASH).then().statusCode(500)
                .body("error.status", equalTo("INTERNAL"))
                .body("error.message", org.hamcrest.Matchers.startsWith("An internal error has occurred."));
        assertEquals(1, sim.used("p1", "gemini-3.8-flash")[0]);
        assertEquals(2, sim.refused("p1", "gemini-3.8-flash"));
        assertEquals(4, sim.refused(key));
    }

    @Test
    void unknownKeysAreInvalidAndModelsListIsAFreeProbe() {
        String key = validKey("p1");
        sim.setProjectQuota("p1", "gemini-3.8-flash", 0, 0);
        api().queryParam("key", key).queryParam("pageSize", 1).get("/v1beta/models").then().statusCode(200)
                .body("models.size()", equalTo(1));
        assertEquals(1, sim.accepted(key));
        assertEquals(0, sim.accepted("p1", "gemini-3.8-flash") + sim.refused("p1", "gemini-3.8-flash"));
    }

    @Test
    void keyWithoutProjectIsItsOwnProject() {
        String a = fakeKey();
        String b = fakeKey();
        sim.addKey(a, null, KeyStatus.VALID);
        sim.addKey(b, "", KeyStatus.VALID);
        sim.setDefaultQuota("gemini-4-argon", 1, 100);
        alignToPacificNoon();
        assertEquals(200, call(a, "/v1beta/models/gemini-4-argon:generateContent"));
        assertEquals(200, call(b, "/v1beta/models/gemini-4-argon:generateContent"));
        assertEquals(1, sim.accepted(GeminiSimulator.ownProject(a), "gemini-4-argon"));
    }
}
