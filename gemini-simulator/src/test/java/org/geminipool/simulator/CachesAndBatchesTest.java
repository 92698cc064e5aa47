package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cachedContents (gemini-api-2026.md §5) and the Batch API (§6), each scoped to the creating project. */
class CachesAndBatchesTest extends SimTestBase {

    private static final String CACHE_DENIED = "{\"error\":{\"code\":403,\"message\":\"CachedContent not found (or "
            + "permission denied)\",\"status\":\"PERMISSION_DENIED\"}}";

    private static String cacheBody(String text, String extra) {
        return "{\"model\":\"models/gemini-3.8-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text
                + "\"}]}]" + extra + "}";
    }

    @Test
    void cachesAreCreatedUsedPatchedAndDeletedByTheirProjectOnly() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        alignToPacificNoon();
        Response small = json(cacheBody("tiny", "")).header("x-goog-api-key", owner).post("/v1beta/cachedContents");
        assertBody("{\"error\":{\"code\":400,\"message\":\"Cached content is too small. total_token_count=1, "
                + "min_total_token_count=1024\",\"status\":\"INVALID_ARGUMENT\"}}", small.asString());
        sim.setCacheMinTokens(10);
        String longText = "a long context to cache ".repeat(10);
        Response created = json(cacheBody(longText, ",\"ttl\":\"300s\",\"displayName\":\"ctx\""))
                .header("x-goog-api-key", owner).post("/v1beta/cachedContents");
        assertEquals(200, created.statusCode(), created.asString());
        JsonObject cache = new JsonObject(created.asString());
        assertEquals(java.util.List.of("name", "model", "createTime", "updateTime", "expireTime", "displayName",
                "usageMetadata"), java.util.List.copyOf(cache.fieldNames()));
        String name = cache.getString("name");
        assertTrue(name.matches("cachedContents/[a-z0-9]{12}"), name);
        int tokens = cache.getJsonObject("usageMetadata").getInteger("totalTokenCount");
        assertTrue(tokens >= 10);
        assertEquals("models/gemini-3.8-flash", cache.getString("model"));
        assertBody(CACHE_DENIED, api().header("x-goog-api-key", stranger).get("/v1beta/" + name).asString());
        assertEquals(1, api().header("x-goog-api-key", owner).get("/v1beta/cachedContents").jsonPath()
                .getList("cachedContents").size());
        assertBody("{}", api().header("x-goog-api-key", stranger).get("/v1beta/cachedContents").asString());

        String use = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"and now?\"}]}],\"cachedContent\":\""
                + name + "\"}";
        JsonPath answer = json(use).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200).extract().jsonPath();
        assertEquals(tokens, answer.getInt("usageMetadata.cachedContentTokenCount"));
        assertEquals(tokens, answer.getInt("usageMetadata.cacheTokensDetails[0].tokenCount"));
        assertTrue(answer.getInt("usageMetadata.promptTokenCount") > tokens);
        assertBody(CACHE_DENIED, json(use).header("x-goog-api-key", stranger)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").asString());
        assertEquals(400, json(use).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.6-flash:generateContent").statusCode(), "another model than the cache's");

        String expire = api().header("x-goog-api-key", owner).get("/v1beta/" + name).jsonPath().getString("expireTime");
        String patched = json("{\"ttl\":\"7200s\"}").header("x-goog-api-key", owner).patch("/v1beta/" + name)
                .then().statusCode(200).extract().jsonPath().getString("expireTime");
        assertTrue(patched.compareTo(expire) > 0, patched + " after " + expire);
        assertEquals(403, json("{\"ttl\":\"7200s\"}").header("x-goog-api-key", stranger).patch("/v1beta/" + name)
                .statusCode());
        assertBody("{}", api().header("x-goog-api-key", owner).delete("/v1beta/" + name).asString());
        assertBody(CACHE_DENIED, json(use).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").asString());
    }

    @Test
    void aCacheExpiresAtItsTtl() {
        String owner = validKey("owner");
        sim.setCacheMinTokens(1);
        String name = json(cacheBody("short lived", ",\"ttl\":\"60s\"")).header("x-goog-api-key", owner)
                .post("/v1beta/cachedContents").jsonPath().getString("name");
        sim.advanceClock(java.time.Duration.ofSeconds(61));
        assertBody(CACHE_DENIED, api().header("x-goog-api-key", owner).get("/v1beta/" + name).asString());
    }

    private static String inlineBatch(int n) {
        StringBuilder reqs = new StringBuilder();
        for (int i = 0; i < n; i++) {
            reqs.append(i == 0 ? "" : ",").append("{\"request\":").append(userText("question " + i))
                    .append(",\"metadata\":{\"key\":\"r").append(i).append("\"}}");
        }
        return "{\"batch\":{\"displayName\":\"nightly\",\"inputConfig\":{\"requests\":{\"requests\":[" + reqs
                + "]}}}}";
    }

    @Test
    void anInlineBatchRunsAfterItsPollsOnItsOwnBucketsAndOnlyItsProjectSeesIt() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        alignToPacificNoon();
        Response created = json(inlineBatch(2)).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:batchGenerateContent");
        assertEquals(200, created.statusCode(), created.asString());
        JsonPath op = created.jsonPath();
        String name = op.getString("name");
        assertTrue(name.matches("batches/[a-z0-9]{36}"), name);
        assertEquals("BATCH_STATE_PENDING", op.getString("metadata.state"));
        assertEquals("models/gemini-3.8-flash", op.getString("metadata.model"));
        assertEquals("2", op.getString("metadata.batchStats.requestCount"));
        assertEquals(0, sim.used("owner", "gemini-3.8-flash")[0], "batches have their own buckets");

        assertEquals(403, api().header("x-goog-api-key", stranger).get("/v1beta/" + name).statusCode());
        JsonPath running = api().header("x-goog-api-key", owner).get("/v1beta/" + name).jsonPath();
        assertEquals("BATCH_STATE_RUNNING", running.getString("metadata.state"));
        assertNull(running.get("done"));
        JsonPath done = api().header("x-goog-api-key", owner).get("/v1beta/" + name).jsonPath();
        assertEquals("BATCH_STATE_SUCCEEDED", done.getString("metadata.state"));
        assertEquals(true, done.getBoolean("done"));
        assertEquals(2, done.getList("metadata.output.inlinedResponses.inlinedResponses").size());
        assertEquals("r1", done.getString("metadata.output.inlinedResponses.inlinedResponses[1].metadata.key"));
        assertTrue(done.getString("metadata.output.inlinedResponses.inlinedResponses[0].response.candidates[0]"
                + ".content.parts[0].text").contains("question 0"));
        assertEquals("2", done.getString("metadata.batchStats.successfulRequestCount"));

        assertEquals(1, api().header("x-goog-api-key", owner).get("/v1beta/batches").jsonPath()
                .getList("operations").size());
        assertBody("{}", api().header("x-goog-api-key", stranger).get("/v1beta/batches").asString());
        assertEquals(400, api().header("x-goog-api-key", owner).post("/v1beta/" + name + ":cancel").statusCode(),
                "a finished batch cannot be cancelled");
        assertEquals(403, api().header("x-goog-api-key", stranger).delete("/v1beta/" + name).statusCode());
        assertBody("{}", api().header("x-goog-api-key", owner).delete("/v1beta/" + name).asString());
        assertEquals(403, api().header("x-goog-api-key", owner).get("/v1beta/" + name).statusCode());
    }

    @Test
    void batchCreationBeyondTheBatchBucketsIsTheBare429AndCancelWorks() {
        String owner = validKey("owner");
        sim.setBatchLimits(1, 1_000_000);
        String name = json(inlineBatch(1)).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:batchGenerateContent").jsonPath().getString("name");
        Response refused = json(inlineBatch(1)).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:batchGenerateContent");
        assertBody("{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota, please check your plan and "
                + "billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs"
                + "/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \",\"status\":"
                + "\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.Help\",\"links\":"
                + "[{\"description\":\"Learn more about Gemini API quotas\",\"url\":\"https://ai.google.dev/gemini-api"
                + "/docs/rate-limits\"}]}]}}", refused.asString());
        assertBody("{}", api().header("x-goog-api-key", owner).post("/v1beta/" + name + ":cancel").asString());
        assertEquals("BATCH_STATE_CANCELLED", api().header("x-goog-api-key", owner).get("/v1beta/" + name)
                .jsonPath().getString("metadata.state"));
        assertEquals(200, json(inlineBatch(1)).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:batchGenerateContent").statusCode(), "a slot is free again");
        sim.setBatchLimits(100, 5);
        assertEquals(429, json(inlineBatch(3)).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:batchGenerateContent").statusCode(), "enqueued tokens");
    }

    @Test
    void aFileBatchWritesAResultFileOnlyItsProjectCanDownload() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        String jsonl = "{\"key\":\"a\",\"request\":" + userText("first line") + "}\n{\"key\":\"b\",\"request\":"
                + userText("second line") + "}\n";
        String input = FilesApiTest.upload(owner, "application/jsonl", jsonl.getBytes(StandardCharsets.UTF_8))
                .getString("name");
        String body = "{\"batch\":{\"displayName\":\"from file\",\"inputConfig\":{\"fileName\":\"" + input + "\"}}}";
        assertEquals(403, json(body).header("x-goog-api-key", stranger)
                .post("/v1beta/models/gemini-3.8-flash:batchGenerateContent").statusCode(), "another project's input");
        String name = json(body).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-3.8-flash:batchGenerateContent").jsonPath().getString("name");
        json("{}").post("/_sim/" + name + "/finish").then().statusCode(204);
        JsonPath done = api().header("x-goog-api-key", owner).get("/v1beta/" + name).jsonPath();
        assertEquals("BATCH_STATE_SUCCEEDED", done.getString("metadata.state"));
        String results = done.getString("metadata.output.responsesFile");
        assertTrue(results.matches("files/[a-z0-9]{12}"), results);
        String download = "/download/v1beta/" + results + ":download?alt=media";
        String lines = api().header("x-goog-api-key", owner).get(download).then().statusCode(200).extract().asString();
        String[] split = lines.trim().split("\n");
        assertEquals(2, split.length);
        assertEquals("a", new JsonObject(split[0]).getString("key"));
        assertTrue(split[1].contains("second line"));
        assertEquals(403, api().header("x-goog-api-key", stranger).get(download).statusCode());
        assertEquals("GENERATED", api().header("x-goog-api-key", owner).get("/v1beta/" + results).jsonPath()
                .getString("source"));
    }

    @Test
    void anEmbeddingBatchAnswersInlinedEmbedContentResponses() {
        String owner = validKey("owner");
        sim.setBatchPolls(0);
        String body = "{\"batch\":{\"displayName\":\"emb\",\"inputConfig\":{\"requests\":{\"requests\":["
                + "{\"request\":{\"content\":{\"parts\":[{\"text\":\"one\"}]},\"outputDimensionality\":8}},"
                + "{\"request\":{\"content\":{\"parts\":[{\"text\":\"two\"}]},\"outputDimensionality\":8}}]}}}}";
        String name = json(body).header("x-goog-api-key", owner)
                .post("/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent").jsonPath().getString("name");
        JsonPath done = api().header("x-goog-api-key", owner).get("/v1beta/" + name).jsonPath();
        assertEquals("BATCH_STATE_SUCCEEDED", done.getString("metadata.state"));
        assertEquals(8, done.getList("metadata.output.inlinedEmbedContentResponses.inlinedResponses[0].response"
                + ".embedding.values").size());
        assertFalse(sim.objects("owner").get("BATCH").isEmpty());
    }
}
