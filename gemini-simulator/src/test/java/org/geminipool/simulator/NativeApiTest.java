package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeApiTest extends SimTestBase {

    @Test
    void generateContentIsDeterministicWithConsistentUsage() {
        String key = validKey("p1");
        String body = userText("Explain quotas");
        JsonPath a = json(body).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(200).contentType(startsWith("application/json"))
                .body("candidates[0].content.role", equalTo("model"))
                .body("candidates[0].finishReason", equalTo("STOP"))
                .body("candidates[0].index", equalTo(0))
                .body("modelVersion", equalTo("gemini-3.8-flash"))
                .extract().jsonPath();
        JsonPath b = json(body).queryParam("key", key).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(200).extract().jsonPath();
        String text = a.getString("candidates[0].content.parts[0].text");
        assertTrue(text.contains("Explain quotas"), text);
        assertEquals(text, b.getString("candidates[0].content.parts[0].text"));
        assertNotEquals(a.getString("responseId"), b.getString("responseId"));
        int prompt = a.getInt("usageMetadata.promptTokenCount");
        int cand = a.getInt("usageMetadata.candidatesTokenCount");
        int thoughts = a.getInt("usageMetadata.thoughtsTokenCount");
        assertTrue(prompt > 0 && cand > 0 && thoughts > 0);
        assertEquals(prompt + cand + thoughts, a.getInt("usageMetadata.totalTokenCount"));
        assertEquals(2, sim.accepted(key));
        assertEquals(2, sim.accepted("p1", "gemini-3.8-flash"));
    }

    @Test
    void thinkingBudgetZeroHasNoThoughtsAndProRejectsIt() {
        String key = validKey("p1");
        String noThinking = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],"
                + "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":0}}}";
        JsonPath r = json(noThinking).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200).extract().jsonPath();
        assertNull(r.get("usageMetadata.thoughtsTokenCount"));
        assertEquals(r.getInt("usageMetadata.promptTokenCount") + r.getInt("usageMetadata.candidatesTokenCount"),
                r.getInt("usageMetadata.totalTokenCount"));
        json(noThinking).header("x-goog-api-key", key).post("/v1beta/models/gemini-4-argon:generateContent")
                .then().statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", equalTo("Budget 0 is invalid. This model only works in thinking mode."));
        // gemma never thinks; flash-lite thinks only when asked.
        json(userText("hi")).header("x-goog-api-key", key).post("/v1beta/models/gemma-4-31b-it:generateContent")
                .then().statusCode(200).body("usageMetadata.thoughtsTokenCount", nullValue());
        json(userText("hi")).header("x-goog-api-key", key).post("/v1beta/models/gemini-3.5-flash-lite:generateContent")
                .then().statusCode(200).body("usageMetadata.thoughtsTokenCount", nullValue());
    }

    @Test
    void includeThoughtsAddsAThoughtPartAndMaxTokensTruncates() {
        String key = validKey("p1");
        json("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"thinkingConfig\":"
                + "{\"includeThoughts\":true,\"thinkingBudget\":50}}}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(200)
                .body("candidates[0].content.parts[0].thought", equalTo(true))
                .body("candidates[0].content.parts[1].text", startsWith("Simulated reply"))
                .body("usageMetadata.thoughtsTokenCount", equalTo(50));
        json("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"generationConfig\":{\"maxOutputTokens\":3,"
                + "\"thinkingConfig\":{\"thinkingBudget\":0}}}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(200)
                .body("candidates[0].finishReason", equalTo("MAX_TOKENS"))
                .body("usageMetadata.candidatesTokenCount", equalTo(3));
    }

    @Test
    void invalidKeyIs400WithErrorInfo() {
        String unknown = fakeKey();
        json(userText("hi")).queryParam("key", unknown).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(400)
                .body("error.code", equalTo(400))
                .body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", equalTo("API key not valid. Please pass a valid API key."))
                .body("error.details[0].'@type'", equalTo("type.googleapis.com/google.rpc.ErrorInfo"))
                .body("error.details[0].reason", equalTo("API_KEY_INVALID"))
                .body("error.details[0].domain", equalTo("googleapis.com"));
        String invalid = fakeKey();
        sim.addKey(invalid, "p1", KeyStatus.INVALID);
        api().header("x-goog-api-key", invalid).get("/v1beta/models").then().statusCode(400)
                .body("error.details[0].reason", equalTo("API_KEY_INVALID"));
        assertEquals(1, sim.refused(unknown));
        assertEquals(1, sim.refused(invalid));
    }

    @Test
    void missingKeyIs403AndSuspendedKeyIs403ConsumerSuspended() {
        json(userText("hi")).post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(403)
                .body("error.status", equalTo("PERMISSION_DENIED"))
                .body("error.message", startsWith("Method doesn't allow unregistered callers"));
        String key = validKey("p9");
        sim.setKeyStatus(key, KeyStatus.SUSPENDED);
        api().queryParam("key", key).queryParam("pageSize", 1).get("/v1beta/models").then().statusCode(403)
                .body("error.code", equalTo(403))
                .body("error.status", equalTo("PERMISSION_DENIED"))
                .body("error.message", equalTo("Permission denied: Consumer 'api_key:" + key + "' has been suspended."))
                .body("error.details[0].reason", equalTo("CONSUMER_SUSPENDED"))
                .body("error.details[0].metadata.consumer", startsWith("projects/"));
        sim.setKeyStatus(key, KeyStatus.VALID);
        api().queryParam("key", key).queryParam("pageSize", 1).get("/v1beta/models").then().statusCode(200);
    }

    @Test
    void unknownModelIs404AndWrongMethodToo() {
        String key = validKey("p1");
        json(userText("hi")).header("x-goog-api-key", key).post("/v1beta/models/gemini-9-ultra:generateContent")
                .then().statusCode(404).body("error.status", equalTo("NOT_FOUND"))
                .body("error.message", equalTo("models/gemini-9-ultra is not found for API version v1beta, or is not "
                        + "supported for generateContent. Call ListModels to see the list of available models and "
                        + "their supported methods."));
        json(userText("hi")).header("x-goog-api-key", key).post("/v1beta/models/gemini-embedding-001:generateContent")
                .then().statusCode(404).body("error.status", equalTo("NOT_FOUND"));
        api().header("x-goog-api-key", key).get("/v1beta/models/nope").then().statusCode(404);
        assertEquals(0, sim.accepted("p1", "gemini-embedding-001"));
    }

    @Test
    void malformedBodiesAre400() {
        String key = validKey("p1");
        String url = "/v1beta/models/gemini-3.8-flash:generateContent";
        json("{not json").header("x-goog-api-key", key).post(url).then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", startsWith("Invalid JSON payload received."));
        json("{}").header("x-goog-api-key", key).post(url).then().statusCode(400)
                .body("error.message", equalTo("* GenerateContentRequest.contents: contents is not specified\n"));
        json("{\"contents\":[],\"foo\":1}").header("x-goog-api-key", key).post(url).then().statusCode(400)
                .body("error.message", equalTo("Invalid JSON payload received. Unknown name \"foo\": Cannot find field."))
                .body("error.details[0].'@type'", equalTo("type.googleapis.com/google.rpc.BadRequest"));
        json("{\"contents\":[{\"role\":\"bot\",\"parts\":[{\"text\":\"x\"}]}]}").header("x-goog-api-key", key)
                .post(url).then().statusCode(400).body("error.message", equalTo("Please use a valid role: user, model."));
        json("{\"contents\":[{\"parts\":[]}]}").header("x-goog-api-key", key).post(url).then().statusCode(400);
        assertEquals(0, sim.accepted("p1", "gemini-3.8-flash"));
        assertEquals(new int[] {0, 0}[0], sim.used("p1", "gemini-3.8-flash")[0]);
    }

    @Test
    void modelsArePaginatedAndGettable() {
        String key = validKey("p1");
        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            var req = api().queryParam("key", key).queryParam("pageSize", 5);
            if (token != null) {
                req = req.queryParam("pageToken", token);
            }
            JsonPath page = req.get("/v1beta/models").then().statusCode(200).extract().jsonPath();
            List<String> got = page.getList("models.name");
            assertTrue(got.size() <= 5);
            names.addAll(got);
            token = page.getString("nextPageToken");
            pages++;
        } while (token != null && pages < 20);
        assertNull(token, "the last page has no nextPageToken");
        assertTrue(pages >= 3, "pages: " + pages);
        JsonPath all = api().queryParam("key", key).get("/v1beta/models").then().statusCode(200).extract().jsonPath();
        assertEquals(all.getList("models.name"), names);
        assertNull(all.get("nextPageToken"));
        assertTrue(names.contains("models/gemini-3.5-flash-lite"));
        assertTrue(names.contains("models/gemini-pro-latest"), "the aliases come last: " + names);
        api().queryParam("key", key).queryParam("pageToken", "garbage").get("/v1beta/models").then().statusCode(400);
        api().header("x-goog-api-key", key).get("/v1beta/models/gemini-4-argon").then().statusCode(200)
                .body("name", equalTo("models/gemini-4-argon"))
                .body("supportedGenerationMethods", hasItem("generateContent"))
                .body("inputTokenLimit", equalTo(1048576))
                .body("thinking", equalTo(true));
        // models and countTokens do not consume generation quota
        assertEquals(0, sim.used("p1", "gemini-4-argon")[1]);
    }

    @Test
    void countTokensIsFree() {
        String key = validKey("p1");
        sim.setProjectQuota("p1", "gemini-3.8-flash", 0, 0);
        json(userText("The quick brown fox jumps over the lazy dog")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:countTokens").then().statusCode(200)
                .body("totalTokens", equalTo(11));
        json("{\"generateContentRequest\":{\"model\":\"models/gemini-3.8-flash\",\"contents\":[{\"parts\":[{\"text\":\"abcd\"}]}]}}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-3.8-flash:countTokens").then()
                .statusCode(200).body("totalTokens", equalTo(1));
        json(userText("hi")).queryParam("key", fakeKey()).post("/v1beta/models/gemini-3.8-flash:countTokens")
                .then().statusCode(400);
    }

    @Test
    void embeddingsHonourDimensionsAndBatchCountsPerItem() {
        String key = validKey("p1");
        JsonPath one = json("{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}").header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-embedding-001:embedContent").then().statusCode(200).extract().jsonPath();
        List<Float> v = one.getList("embedding.values", Float.class);
        assertEquals(3072, v.size());
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        assertEquals(1.0, norm, 1e-3);
        JsonPath small = json("{\"content\":{\"parts\":[{\"text\":\"hello\"}]},\"outputDimensionality\":768}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-embedding-001:embedContent")
                .then().statusCode(200).extract().jsonPath();
        List<Float> s = small.getList("embedding.values", Float.class);
        assertEquals(768, s.size());
        assertEquals(v.get(0), s.get(0), "the truncated vector is a prefix of the full one");
        json("{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                + "{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"b\"}]},"
                + "\"outputDimensionality\":8}]}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-embedding-001:batchEmbedContents")
                .then().statusCode(200)
                .body("embeddings.size()", equalTo(2))
                .body("embeddings[1].values.size()", equalTo(8));
        assertEquals(4, sim.used("p1", "gemini-embedding-001")[0], "a batch of two counts two requests");
        json("{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"outputDimensionality\":5000}").header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-embedding-001:embedContent").then().statusCode(400);
    }

    @Test
    void batchEmbedQuotaIsAllOrNothing() {
        String key = validKey("p1");
        sim.setProjectQuota("p1", "gemini-embedding-001", 3, 100);
        alignToPacificNoon();
        String two = "{\"requests\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}},{\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}";
        json(two).header("x-goog-api-key", key).post("/v1beta/models/gemini-embedding-001:batchEmbedContents")
                .then().statusCode(200);
        json(two).header("x-goog-api-key", key).post("/v1beta/models/gemini-embedding-001:batchEmbedContents")
                .then().statusCode(429)
                .body("error.details[1].violations[0].quotaId",
                        equalTo("EmbedContentRequestsPerMinutePerProjectPerModel-FreeTier"));
        assertEquals(2, sim.used("p1", "gemini-embedding-001")[0]);
        sim.setBatchEmbedCountsPerItem(false);
        json(two).header("x-goog-api-key", key).post("/v1beta/models/gemini-embedding-001:batchEmbedContents")
                .then().statusCode(200);
    }

    @Test
    void imageModelAnswersInlinePngWhenPaid() {
        String key = validKey("paid");
        json("{\"contents\":[{\"parts\":[{\"text\":\"a cat\"}]}],\"generationConfig\":{\"responseModalities\":[\"IMAGE\"]}}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-3.1-flash-image:generateContent")
                .then().statusCode(429).body("error.message", org.hamcrest.Matchers.containsString("limit: 0"));
        sim.setProjectQuota("paid", "gemini-3.1-flash-image", 10, 100);
        Response r = json("{\"contents\":[{\"parts\":[{\"text\":\"a cat\"}]}],"
                + "\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"]}}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-3.1-flash-image:generateContent");
        r.then().statusCode(200).body("candidates[0].content.parts[1].inlineData.mimeType", equalTo("image/png"));
        byte[] png = Base64.getDecoder().decode(r.jsonPath().getString("candidates[0].content.parts[1].inlineData.data"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        json("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"generationConfig\":{\"responseModalities\":[\"IMAGE\"]}}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(400);
        assertFalse(png.length == 0);
    }

    @Test
    void v1PathsWorkToo() {
        String key = validKey("p1");
        json(userText("hi")).header("x-goog-api-key", key).post("/v1/models/gemini-3.6-flash:generateContent")
                .then().statusCode(200);
        json(userText("hi")).header("x-goog-api-key", key).post("/v1/models/nope:generateContent")
                .then().statusCode(404).body("error.message", startsWith("models/nope is not found for API version v1,"));
    }
}
