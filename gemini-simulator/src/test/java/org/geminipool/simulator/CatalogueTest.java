package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The catalogue of late 2026 (gemini-api-2026.md §1.1–1.3): today's IDs, the {@code -latest} aliases resolved
 * server-side, shut-down, closed-to-new-projects and auto-routed IDs, and runtime changes for tests.
 */
class CatalogueTest extends SimTestBase {

    private static final List<String> TODAY = List.of("gemini-3.8-flash", "gemini-3.6-flash", "gemini-3-flash-preview",
            "gemini-3.5-flash-lite", "gemini-3.1-flash-lite", "gemini-4-argon", "gemini-3.1-pro-preview",
            "gemini-3.1-pro-preview-customtools", "gemini-3.1-flash-image", "gemini-3-pro-image",
            "gemini-3.1-flash-lite-image", "gemini-3.1-flash-tts-preview", "gemini-3.1-flash-live-preview",
            "veo-3.1-generate-preview", "veo-3.1-fast-generate-preview", "veo-3.1-lite-generate-preview",
            "gemini-embedding-2", "gemini-embedding-001", "gemma-4-31b-it", "gemini-flash-latest",
            "gemini-flash-lite-latest", "gemini-pro-latest", "gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.5-flash-lite");

    private static List<String> listed(String key) {
        return api().header("x-goog-api-key", key).queryParam("pageSize", 1000).get("/v1beta/models").then()
                .statusCode(200).extract().jsonPath().getList("models.name");
    }

    private static Response generate(String key, String model) {
        return json(userText("hi")).header("x-goog-api-key", key).post("/v1beta/models/" + model + ":generateContent");
    }

    private static String gone(String model) {
        return "{\"error\":{\"code\":404,\"message\":\"This model models/" + model + " is no longer available. Please "
                + "update your code to use a newer model for the latest features and improvements.\",\"status\":"
                + "\"NOT_FOUND\"}}";
    }

    private static String goneForNewUsers(String model) {
        return "{\"error\":{\"code\":404,\"message\":\"This model models/" + model + " is no longer available to new "
                + "users. Please update your code to use a newer model for the latest features and improvements.\","
                + "\"status\":\"NOT_FOUND\"}}";
    }

    @Test
    void modelsListShowsTodaysCatalogueAndNoShutDownOrRoutedId() {
        String key = validKey("p1");
        List<String> names = listed(key);
        assertEquals(TODAY.stream().map(m -> "models/" + m).sorted().toList(), names.stream().sorted().toList());
        for (String notListed : List.of("gemini-2.0-flash", "gemini-3-pro-preview", "text-embedding-004",
                "gemini-3.7-flash", "gemini-3.5-flash", "gemini-2.5-flash-image")) {
            assertFalse(names.contains("models/" + notListed), notListed);
        }
    }

    @Test
    void aliasesAreListedWithTheirLiteralResourceAndResolveServerSide() {
        String key = validKey("p1");
        Response get = api().header("x-goog-api-key", key).get("/v1beta/models/gemini-flash-latest");
        assertBody("""
                {"name":"models/gemini-flash-latest","version":"Gemini Flash Latest","displayName":"Gemini Flash Latest",\
                "description":"Latest release of Gemini Flash","inputTokenLimit":1048576,"outputTokenLimit":65536,\
                "supportedGenerationMethods":["generateContent","countTokens","createCachedContent","batchGenerateContent"],\
                "temperature":1,"topP":0.95,"topK":64,"maxTemperature":2,"thinking":true}""", get.asString());
        api().header("x-goog-api-key", key).get("/v1beta/models/gemini-flash-lite-latest").then()
                .body("displayName", equalTo("Gemini Flash-Lite Latest"))
                .body("description", equalTo("Latest release of Gemini Flash-Lite"));
        api().header("x-goog-api-key", key).get("/v1beta/models/gemini-pro-latest").then()
                .body("version", equalTo("Gemini Pro Latest"));
        alignToPacificNoon();
        generate(key, "gemini-flash-latest").then().statusCode(200).body("modelVersion", equalTo("gemini-3.8-flash"));
        generate(key, "gemini-flash-lite-latest").then().statusCode(200)
                .body("modelVersion", equalTo("gemini-3.5-flash-lite"));
        assertEquals(1, sim.accepted("p1", "gemini-3.8-flash"), "an alias counts on its target's bucket");
        sim.setProjectTier("p1", ProjectTier.PAID);
        generate(key, "gemini-pro-latest").then().statusCode(200).body("modelVersion", equalTo("gemini-3.1-pro-preview"));
        // the target is configurable
        sim.setAliasTarget("gemini-flash-latest", "gemini-3.6-flash");
        generate(key, "gemini-flash-latest").then().statusCode(200).body("modelVersion", equalTo("gemini-3.6-flash"));
        json("{\"target\":\"gemini-4-argon\"}").put("/_sim/aliases/gemini-pro-latest").then().statusCode(204);
        generate(key, "gemini-pro-latest").then().statusCode(200).body("modelVersion", equalTo("gemini-4-argon"));
        json("{\"target\":\"gemini-nope\"}").put("/_sim/aliases/gemini-pro-latest").then().statusCode(400);
        json("{\"target\":\"gemini-3.8-flash\"}").put("/_sim/aliases/gemini-3.8-flash").then().statusCode(400);
        // the OpenAI-compatible layer resolves them too
        json("{\"model\":\"gemini-flash-lite-latest\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .header("Authorization", "Bearer " + key).post("/v1beta/openai/chat/completions").then().statusCode(200)
                .body("model", equalTo("gemini-3.5-flash-lite"));
    }

    @Test
    void modelsListPagesAtFiftyByDefaultAndHonoursPageSize() {
        String key = validKey("p1");
        for (int i = 0; i < 40; i++) {
            sim.addModel("gemini-test-" + i, "gemini-3.8-flash");
        }
        JsonPath first = api().header("x-goog-api-key", key).get("/v1beta/models").then().statusCode(200).extract()
                .jsonPath();
        assertEquals(50, first.getList("models").size());
        String token = first.getString("nextPageToken");
        assertTrue(token != null && !token.isEmpty());
        JsonPath second = api().header("x-goog-api-key", key).queryParam("pageToken", token).get("/v1beta/models").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(TODAY.size() + 40 - 50, second.getList("models").size());
        assertNull(second.get("nextPageToken"));
        assertEquals(7, api().header("x-goog-api-key", key).queryParam("pageSize", 7).get("/v1beta/models").then()
                .extract().jsonPath().getList("models").size());
    }

    @Test
    void shutDownIdsAnswerNoLongerAvailable() {
        String key = validKey("p1");
        for (String m : List.of("gemini-2.0-flash", "gemini-2.0-flash-lite", "gemini-2.5-flash-image",
                "gemini-3-pro-preview", "gemini-3.1-flash-lite-preview")) {
            Response r = generate(key, m);
            assertEquals(404, r.statusCode(), m);
            assertBody(gone(m), r.asString());
        }
        Response embed = json("{\"content\":{\"parts\":[{\"text\":\"x\"}]}}").header("x-goog-api-key", key)
                .post("/v1beta/models/text-embedding-004:embedContent");
        assertBody(gone("text-embedding-004"), embed.asString());
        Response compat = json("{\"model\":\"gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .header("Authorization", "Bearer " + key).post("/v1beta/openai/chat/completions");
        assertBody("[" + gone("gemini-2.0-flash") + "]", compat.asString());
        assertEquals(0, sim.accepted("p1", "gemini-2.0-flash") + sim.refused("p1", "gemini-2.0-flash"),
                "a 404 touches no bucket");
    }

    @Test
    void closedToNewProjectsIdsServeOnlyLegacyProjects() {
        String fresh = validKey("new-project");
        String old = validKey("old-project");
        sim.setProjectLegacy("old-project", true);
        alignToPacificNoon();
        for (String m : List.of("gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro")) {
            Response r = generate(fresh, m);
            assertEquals(404, r.statusCode(), m);
            assertBody(goneForNewUsers(m), r.asString());
        }
        generate(old, "gemini-2.5-flash").then().statusCode(200).body("modelVersion", equalTo("gemini-2.5-flash"));
        generate(old, "gemini-2.5-flash-lite").then().statusCode(200);
        assertTrue(listed(fresh).contains("models/gemini-2.5-flash"), "still listed");
        json("{\"legacy\":false}").put("/_sim/projects/old-project/legacy").then().statusCode(204);
        assertEquals(404, generate(old, "gemini-2.5-flash").statusCode());
    }

    @Test
    void autoRoutedIdsServeFromTheirTargetAndCountThere() {
        String key = validKey("p1");
        alignToPacificNoon();
        generate(key, "gemini-3.7-flash").then().statusCode(200).body("modelVersion", equalTo("gemini-3.8-flash"));
        generate(key, "gemini-3.5-flash").then().statusCode(200).body("modelVersion", equalTo("gemini-3.6-flash"));
        assertEquals(1, sim.accepted("p1", "gemini-3.8-flash"));
        assertEquals(1, sim.accepted("p1", "gemini-3.7-flash"), "the routed ID reads the target's bucket");
        assertEquals(1, sim.used("p1", "gemini-3.6-flash")[0]);
        String sse = json(userText("hi")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.7-flash:streamGenerateContent?alt=sse").then().statusCode(200).extract()
                .asString();
        assertTrue(sse.contains("\"modelVersion\":\"gemini-3.8-flash\""), sse);
    }

    @Test
    void unknownIdsKeepThe2025NotFound() {
        String key = validKey("p1");
        Response r = generate(key, "gemini-9-ultra");
        assertBody("{\"error\":{\"code\":404,\"message\":\"models/gemini-9-ultra is not found for API version v1beta, "
                + "or is not supported for generateContent. Call ListModels to see the list of available models and "
                + "their supported methods.\",\"status\":\"NOT_FOUND\"}}", r.asString());
        // a Live-only model does not serve generateContent
        generate(key, "gemini-3.1-flash-live-preview").then().statusCode(404)
                .body("error.message", org.hamcrest.Matchers.startsWith("models/gemini-3.1-flash-live-preview is not found"));
    }

    @Test
    void speechAndImageModelsAnswerWithMedia() {
        String key = validKey("p1");
        alignToPacificNoon();
        generate(key, "gemini-3.1-flash-tts-preview").then().statusCode(200)
                .body("candidates[0].content.parts[0].inlineData.mimeType", equalTo("audio/L16;codec=pcm;rate=24000"))
                .body("modelVersion", equalTo("gemini-3.1-flash-tts-preview"));
        sim.setProjectTier("p1", ProjectTier.PAID);
        generate(key, "gemini-3.1-flash-image").then().statusCode(200)
                .body("candidates[0].content.parts[1].inlineData.mimeType", equalTo("image/png"));
        json("{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}").header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-embedding-2:embedContent").then().statusCode(200)
                .body("embedding.values.size()", equalTo(3072));
    }

    @Test
    void runtimeCatalogueChangesForTests() {
        String key = validKey("p1");
        alignToPacificNoon();
        sim.addModel("gemini-3.9-flash", "gemini-3.8-flash");
        assertTrue(listed(key).contains("models/gemini-3.9-flash"));
        generate(key, "gemini-3.9-flash").then().statusCode(200).body("modelVersion", equalTo("gemini-3.9-flash"));
        assertEquals(1, sim.accepted("p1", "gemini-3.9-flash"), "its own quota model");
        assertEquals(0, sim.accepted("p1", "gemini-3.8-flash"));
        sim.retireModel("gemini-3.9-flash", Retirement.CLOSED_TO_NEW);
        assertEquals(404, generate(key, "gemini-3.9-flash").statusCode());
        sim.retireModel("gemini-3.9-flash", Retirement.SHUTDOWN);
        assertBody(gone("gemini-3.9-flash"), generate(key, "gemini-3.9-flash").asString());
        assertFalse(listed(key).contains("models/gemini-3.9-flash"));
        sim.autoRoute("gemini-3.9-flash", "gemini-3.6-flash");
        generate(key, "gemini-3.9-flash").then().statusCode(200).body("modelVersion", equalTo("gemini-3.6-flash"));
        sim.removeModel("gemini-3.9-flash");
        assertEquals(404, generate(key, "gemini-3.9-flash").statusCode());
        generate(key, "gemini-3.9-flash").then().body("error.message", org.hamcrest.Matchers.startsWith(
                "models/gemini-3.9-flash is not found"));
        // the same through the admin API
        json("{\"name\":\"gemini-4-neon\",\"likeModel\":\"gemini-4-argon\"}").post("/_sim/models").then().statusCode(204);
        assertTrue(listed(key).contains("models/gemini-4-neon"));
        json("{\"how\":\"shutdown\"}").post("/_sim/models/gemini-4-neon/retire").then().statusCode(204);
        assertBody(gone("gemini-4-neon"), generate(key, "gemini-4-neon").asString());
        json("{\"to\":\"gemini-3.8-flash\"}").put("/_sim/auto-routes/gemini-4-neon").then().statusCode(204);
        generate(key, "gemini-4-neon").then().statusCode(200).body("modelVersion", equalTo("gemini-3.8-flash"));
        api().delete("/_sim/models/gemini-4-neon").then().statusCode(204);
        assertEquals(404, generate(key, "gemini-4-neon").statusCode());
        api().get("/_sim/catalog").then().statusCode(200)
                .body("aliases.'gemini-flash-latest'", equalTo("gemini-3.8-flash"))
                .body("retired.'gemini-2.0-flash'", equalTo("SHUTDOWN"))
                .body("retired.'gemini-2.5-flash'", equalTo("CLOSED_TO_NEW"))
                .body("autoRoutes.'gemini-3.7-flash'", equalTo("gemini-3.8-flash"))
                .body("quotaModels.'gemini-3.1-pro-preview-customtools'", equalTo("gemini-3.1-pro"));
        // hostile input is a clear 400 and changes nothing
        json("{\"name\":\"x\",\"likeModel\":\"gemini-nope\"}").post("/_sim/models").then().statusCode(400);
        json("{\"how\":\"later\"}").post("/_sim/models/gemini-3.8-flash/retire").then().statusCode(400);
        json("{\"to\":\"gemini-nope\"}").put("/_sim/auto-routes/gemini-3.8-flash").then().statusCode(400);
        generate(key, "gemini-3.8-flash").then().statusCode(200);
        // reset restores the built-in catalogue
        sim.reset();
        String again = validKey("p1");
        assertEquals(TODAY.size(), listed(again).size());
    }
}
