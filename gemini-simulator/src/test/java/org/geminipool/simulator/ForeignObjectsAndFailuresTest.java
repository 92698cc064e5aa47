package org.geminipool.simulator;

import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Project-scoped files and caches (gemini-api-2026.md §4, §5: another project's object answers 403) and the injected
 * 503 texts (§0 [I-503]).
 */
class ForeignObjectsAndFailuresTest extends SimTestBase {

    private static final String GENERATE = "/v1beta/models/gemini-3.8-flash:generateContent";

    private static String withFile(String uri) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"describe\"},{\"fileData\":{\"mimeType\":"
                + "\"image/png\",\"fileUri\":\"" + uri + "\"}}]}]}";
    }

    private static String withCache(String cache, String extra) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"go on\"}]}],\"cachedContent\":\"" + cache + "\""
                + extra + "}";
    }

    @Test
    void aFileOfAnotherProjectIs403WithTheBareId() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        String uri = "https://generativelanguage.googleapis.com/v1beta/files/abc123";
        Response denied = json(withFile(uri)).header("x-goog-api-key", owner).post(GENERATE);
        assertEquals(403, denied.statusCode(), "not registered yet");
        assertBody("{\"error\":{\"code\":403,\"message\":\"You do not have permission to access the File abc123 or it "
                + "may not exist.\",\"status\":\"PERMISSION_DENIED\"}}", denied.asString());
        assertEquals(0, sim.used("owner", "gemini-3.8-flash")[0], "the refusal consumed nothing");
        sim.addFile("owner", "files/abc123");
        assertEquals(200, json(withFile(uri)).header("x-goog-api-key", owner).post(GENERATE).statusCode());
        assertEquals(200, json(withFile("files/abc123")).header("x-goog-api-key", owner).post(GENERATE).statusCode());
        assertEquals(403, json(withFile(uri)).header("x-goog-api-key", stranger).post(GENERATE).statusCode());
        String arr = json(withFile(uri)).header("x-goog-api-key", stranger)
                .post("/v1beta/models/gemini-3.8-flash:streamGenerateContent").then().statusCode(403).extract().asString();
        assertBody("[{\"error\":{\"code\":403,\"message\":\"You do not have permission to access the File abc123 or it "
                + "may not exist.\",\"status\":\"PERMISSION_DENIED\"}}]", arr);
        // other URIs are not Files API objects
        assertEquals(200, json(withFile("gs://bucket/cat.png")).header("x-goog-api-key", stranger).post(GENERATE)
                .statusCode());
        json("{\"fileId\":\"files/xyz\"}").post("/_sim/projects/stranger/files").then().statusCode(204);
        assertEquals(200, json(withFile("files/xyz")).header("x-goog-api-key", stranger).post(GENERATE).statusCode());
    }

    @Test
    void anUnknownCacheIs403NeverA404() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        Response denied = json(withCache("cachedContents/c9", "")).header("x-goog-api-key", owner).post(GENERATE);
        assertEquals(403, denied.statusCode());
        assertBody("{\"error\":{\"code\":403,\"message\":\"CachedContent not found (or permission denied)\",\"status\":"
                + "\"PERMISSION_DENIED\"}}", denied.asString());
        sim.addCachedContent("owner", "c9");
        assertEquals(200, json(withCache("cachedContents/c9", "")).header("x-goog-api-key", owner).post(GENERATE)
                .statusCode());
        assertEquals(403, json(withCache("cachedContents/c9", "")).header("x-goog-api-key", stranger).post(GENERATE)
                .statusCode());
        Response conflict = json(withCache("cachedContents/c9",
                ",\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]}")).header("x-goog-api-key", owner)
                .post(GENERATE);
        assertBody("{\"error\":{\"code\":400,\"message\":\"CachedContent can not be used with GenerateContent request "
                + "setting system_instruction, tools or tool_config.\\n\\nProposed fix: move those values to "
                + "CachedContent from GenerateContent request.\",\"status\":\"INVALID_ARGUMENT\"}}", conflict.asString());
        json("{\"cacheId\":\"cachedContents/c10\"}").post("/_sim/projects/stranger/cached-contents").then().statusCode(204);
        assertEquals(200, json(withCache("cachedContents/c10", "")).header("x-goog-api-key", stranger).post(GENERATE)
                .statusCode());
        json("{}").post("/_sim/projects/stranger/cached-contents").then().statusCode(400);
    }

    @Test
    void injected503sCarryTheHighDemandTextByDefaultAndTheOldOneOnRequest() {
        String key = validKey("p1");
        alignToPacificNoon();
        sim.failNext(1, 503);
        assertBody("{\"error\":{\"code\":503,\"message\":\"" + HIGH_DEMAND + "\",\"status\":\"UNAVAILABLE\"}}",
                json(userText("x")).header("x-goog-api-key", key).post(GENERATE).asString());
        sim.failNext(1, 503, UnavailableText.OVERLOADED);
        assertBody("{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":"
                + "\"UNAVAILABLE\"}}", json(userText("x")).header("x-goog-api-key", key).post(GENERATE).asString());
        json("{\"count\":1,\"status\":503,\"text\":\"OVERLOADED\"}").post("/_sim/fail").then().statusCode(204);
        json(userText("x")).header("x-goog-api-key", key).post(GENERATE).then().statusCode(503)
                .body("error.message", org.hamcrest.Matchers.equalTo("The model is overloaded. Please try again later."));
        json("{\"count\":1}").post("/_sim/fail").then().statusCode(204);
        json(userText("x")).header("x-goog-api-key", key).post(GENERATE).then().statusCode(503)
                .body("error.message", org.hamcrest.Matchers.equalTo(HIGH_DEMAND));
        json("{\"count\":1,\"text\":\"WHATEVER\"}").post("/_sim/fail").then().statusCode(400);
        assertEquals(0, sim.used("p1", "gemini-3.8-flash")[0]);
    }
}
