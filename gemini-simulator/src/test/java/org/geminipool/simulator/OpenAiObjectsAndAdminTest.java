package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI-compatible object routes (gemini-api-2026.md §12: files, batches, videos) and the admin hooks of the
 * object APIs (objects per project, settings, finishing jobs, the request log with project, key and status).
 */
class OpenAiObjectsAndAdminTest extends SimTestBase {

    private static String uploadOpenAiFile(String key, String name, String content) {
        Response r = api().header("Authorization", "Bearer " + key).multiPart("purpose", "batch")
                .multiPart("file", name, content.getBytes(StandardCharsets.UTF_8), "application/jsonl")
                .post("/v1beta/openai/files");
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("file", r.jsonPath().getString("object"));
        return r.jsonPath().getString("id");
    }

    @Test
    void compatFilesAndBatchesShareTheProjectsStoreAndAnswerOpenAiShapes() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        String jsonl = "{\"custom_id\":\"q1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                + "\"gemini-3.8-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"compat batch one\"}]}}\n";
        String id = uploadOpenAiFile(owner, "input.jsonl", jsonl);
        assertTrue(id.matches("files/[a-z0-9]{12}"), id);
        assertEquals("owner", sim.fileOwner(id));
        api().header("Authorization", "Bearer " + owner).get("/v1beta/openai/" + id).then().statusCode(200)
                .body("bytes", org.hamcrest.Matchers.equalTo(jsonl.length()));
        Response foreign = api().header("Authorization", "Bearer " + stranger).get("/v1beta/openai/" + id);
        assertBody("[" + FilesApiTest.denied(id.substring(6)) + "]", foreign.asString());
        assertEquals(1, api().header("Authorization", "Bearer " + owner).get("/v1beta/openai/files").jsonPath()
                .getList("data").size());
        assertEquals(0, api().header("Authorization", "Bearer " + stranger).get("/v1beta/openai/files").jsonPath()
                .getList("data").size());

        String batchBody = "{\"input_file_id\":\"" + id + "\",\"endpoint\":\"/v1/chat/completions\","
                + "\"completion_window\":\"24h\"}";
        assertEquals(403, json(batchBody).header("Authorization", "Bearer " + stranger)
                .post("/v1beta/openai/batches").statusCode());
        JsonPath batch = json(batchBody).header("Authorization", "Bearer " + owner).post("/v1beta/openai/batches")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("batch", batch.getString("object"));
        assertEquals("validating", batch.getString("status"));
        String batchId = batch.getString("id");
        assertEquals("in_progress", api().header("Authorization", "Bearer " + owner)
                .get("/v1beta/openai/" + batchId).jsonPath().getString("status"));
        JsonPath done = api().header("Authorization", "Bearer " + owner).get("/v1beta/openai/" + batchId).jsonPath();
        assertEquals("completed", done.getString("status"));
        assertEquals(1, done.getInt("request_counts.completed"));
        String out = done.getString("output_file_id");
        String lines = api().header("Authorization", "Bearer " + owner).get("/v1beta/openai/" + out + "/content")
                .then().statusCode(200).extract().asString();
        io.vertx.core.json.JsonObject line = new io.vertx.core.json.JsonObject(lines.trim());
        assertEquals("q1", line.getString("custom_id"));
        assertEquals(200, line.getJsonObject("response").getInteger("status_code"));
        assertTrue(line.getJsonObject("response").getJsonObject("body").getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content").contains("compat batch one"));
        assertEquals(403, api().header("Authorization", "Bearer " + stranger).get("/v1beta/openai/" + out + "/content")
                .statusCode());
        api().header("Authorization", "Bearer " + owner).delete("/v1beta/openai/" + id).then().statusCode(200)
                .body("deleted", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void compatVideosAreVeoJobsOfTheProject() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        sim.setProjectTier("owner", ProjectTier.PAID);
        sim.setOperationPolls(1);
        JsonPath v = json("{\"model\":\"veo-3.1-fast-generate-preview\",\"prompt\":\"waves\"}")
                .header("Authorization", "Bearer " + owner).post("/v1beta/openai/videos").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("video", v.getString("object"));
        assertEquals("queued", v.getString("status"));
        String id = v.getString("id");
        assertEquals(400, api().header("Authorization", "Bearer " + owner).get("/v1beta/openai/videos/" + id
                + "/content").statusCode(), "not completed yet");
        assertEquals("completed", api().header("Authorization", "Bearer " + owner).get("/v1beta/openai/videos/" + id)
                .jsonPath().getString("status"));
        assertEquals(200, api().header("Authorization", "Bearer " + owner).get("/v1beta/openai/videos/" + id
                + "/content").statusCode());
        assertEquals(403, api().header("Authorization", "Bearer " + stranger).get("/v1beta/openai/videos/" + id)
                .statusCode());
        assertEquals(1, sim.used("owner", "veo-3.1-fast-generate-preview")[0], "counted on the Veo bucket");
    }

    @Test
    void adminHooksListObjectsPerProjectChangeSettingsFinishJobsAndShowWhoCalled() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        json("{\"batchPolls\":5,\"operationPolls\":7}").put("/_sim/object-settings").then().statusCode(204);
        api().get("/_sim/object-settings").then().statusCode(200)
                .body("batchPolls", org.hamcrest.Matchers.equalTo(5))
                .body("operationPolls", org.hamcrest.Matchers.equalTo(7));
        json("{\"batchPolls\":\"x\"}").put("/_sim/object-settings").then().statusCode(400);
        json("{\"nope\":1}").put("/_sim/object-settings").then().statusCode(400);
        String batch = json("{\"batch\":{\"inputConfig\":{\"requests\":{\"requests\":[{\"request\":" + userText("x")
                + "}]}}}}").header("x-goog-api-key", owner).post("/v1beta/models/gemini-3.8-flash:batchGenerateContent")
                .jsonPath().getString("name");
        api().get("/_sim/projects/owner/objects").then().statusCode(200)
                .body("BATCH", org.hamcrest.Matchers.equalTo(List.of(batch.substring(8))));
        api().get("/_sim/objects").then().statusCode(200)
                .body("BATCH.owner", org.hamcrest.Matchers.equalTo(List.of(batch.substring(8))));
        json("{\"state\":\"FAILED\"}").post("/_sim/" + batch + "/finish").then().statusCode(204);
        assertEquals("BATCH_STATE_FAILED", api().header("x-goog-api-key", owner).get("/v1beta/" + batch).jsonPath()
                .getString("metadata.state"));
        json("{}").post("/_sim/" + batch + "/finish").then().statusCode(400);
        json("{\"state\":\"WEIRD\"}").post("/_sim/batches/zzz/finish").then().statusCode(400);
        json("{\"name\":\"models/x/operations/none\"}").post("/_sim/operations/finish").then().statusCode(400);

        sim.clearRequestLog();
        api().header("x-goog-api-key", stranger).get("/v1beta/" + batch);
        List<GeminiSimulator.LoggedRequest> log = sim.requestRecords();
        assertEquals(1, log.size());
        assertEquals("GET /v1beta/" + batch, log.get(0).line());
        assertEquals("stranger", log.get(0).project());
        assertEquals(403, log.get(0).status());
        assertFalse(log.get(0).keyMask().contains(stranger.substring(6, stranger.length() - 4)), "masked");
        assertEquals(List.of("GET /v1beta/" + batch), sim.requestLog(stranger));
        assertTrue(log.get(0).headers().stream().anyMatch(h -> h.equalsIgnoreCase("x-goog-api-key: "
                + log.get(0).keyMask())), log.get(0).headers().toString());
        assertTrue(log.get(0).headers().stream().noneMatch(h -> h.contains(stranger)), "no key in the headers");
        assertTrue(sim.requestLog(owner).isEmpty());
        JsonPath detail = api().get("/_sim/requests/detail").jsonPath();
        assertEquals("stranger", detail.getString("requests[0].project"));
        assertEquals(403, detail.getInt("requests[0].status"));
        assertNull(detail.getString("requests[0].key").contains(stranger) ? "leak" : null);
    }
}
