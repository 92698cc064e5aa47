package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiCompatTest extends SimTestBase {

    private static final String CHAT = "/v1beta/openai/chat/completions";

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief\"},{\"role\":\"user\",\"content\":\"Hello compat\"}]}";
    }

    @Test
    void chatCompletionNonStream() {
        String key = validKey("p1");
        JsonPath r = json(chat("gemini-3.8-flash", false)).header("Authorization", "Bearer " + key).post(CHAT)
                .then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("model", equalTo("gemini-3.8-flash"))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .extract().jsonPath();
        assertTrue(r.getString("choices[0].message.content").contains("Hello compat"));
        assertTrue(r.getInt("usage.total_tokens") > r.getInt("usage.prompt_tokens") + r.getInt("usage.completion_tokens"),
                "3.8-flash thinks: total includes thought tokens");
        json(chat("models/gemini-3.6-flash", false)).header("Authorization", "Bearer " + key).post(CHAT)
                .then().statusCode(200).body("model", equalTo("gemini-3.6-flash"));
        assertEquals(2, sim.accepted(key));
    }

    @Test
    void chatCompletionStreamHasUsageInTheFinalChunkAndDone() {
        String key = validKey("p1");
        String body = json(chat("gemini-3.8-flash", true)).header("Authorization", "Bearer " + key).post(CHAT)
                .then().statusCode(200).contentType(startsWith("text/event-stream")).extract().asString();
        String[] events = body.split("\n\n", -1);
        assertEquals("", events[events.length - 1]);
        assertEquals("data: [DONE]", events[events.length - 2]);
        List<JsonObject> chunks = new ArrayList<>();
        for (int i = 0; i < events.length - 2; i++) {
            assertTrue(events[i].startsWith("data: {"), events[i]);
            chunks.add(new JsonObject(events[i].substring(6)));
        }
        assertTrue(chunks.size() >= 2);
        String id = chunks.get(0).getString("id");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            JsonObject c = chunks.get(i);
            assertEquals("chat.completion.chunk", c.getString("object"));
            assertEquals(id, c.getString("id"));
            JsonObject choice = c.getJsonArray("choices").getJsonObject(0);
            text.append(choice.getJsonObject("delta").getString("content"));
            boolean last = i == chunks.size() - 1;
            assertEquals(last ? "stop" : null, choice.getString("finish_reason"));
            assertEquals(last, c.containsKey("usage"));
        }
        assertTrue(text.toString().contains("Hello compat"));
    }

    @Test
    void errorsAreJsonArrays() {
        String bad = fakeKey();
        String body = json(chat("gemini-3.8-flash", false)).header("Authorization", "Bearer " + bad).post(CHAT)
                .then().statusCode(400).extract().asString();
        JsonObject err = new JsonArray(body).getJsonObject(0).getJsonObject("error");
        assertEquals(400, err.getInteger("code"));
        assertEquals("INVALID_ARGUMENT", err.getString("status"));
        String key = validKey("p1");
        sim.setDefaultQuota("gemini-4-argon", 1, 100);
        alignToPacificNoon();
        json(chat("gemini-4-argon", false)).header("Authorization", "Bearer " + key).post(CHAT).then().statusCode(200);
        String limited = json(chat("gemini-4-argon", true)).header("Authorization", "Bearer " + key).post(CHAT)
                .then().statusCode(429).extract().asString();
        JsonObject e429 = new JsonArray(limited).getJsonObject(0).getJsonObject("error");
        assertEquals("RESOURCE_EXHAUSTED", e429.getString("status"));
        assertEquals("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", e429.getJsonArray("details")
                .getJsonObject(1).getJsonArray("violations").getJsonObject(0).getString("quotaId"));
        String notFound = json(chat("gemini-nope", false)).header("Authorization", "Bearer " + key).post(CHAT)
                .then().statusCode(404).extract().asString();
        assertEquals("NOT_FOUND", new JsonArray(notFound).getJsonObject(0).getJsonObject("error").getString("status"));
        api().contentType("application/json").body(chat("gemini-3.8-flash", false)).post(CHAT).then().statusCode(401);
        json("{\"model\":\"gemini-3.8-flash\",\"messages\":[]}").header("Authorization", "Bearer " + key).post(CHAT)
                .then().statusCode(400);
    }

    @Test
    void midStreamFailureEndsTheStreamWithAnErrorEvent() {
        String key = validKey("p1");
        sim.failMidStreamNext(1);
        String body = json(chat("gemini-3.8-flash", true)).header("Authorization", "Bearer " + key).post(CHAT)
                .then().statusCode(200).extract().asString();
        assertTrue(!body.contains("[DONE]"));
        String[] events = body.split("\n\n");
        JsonObject last = new JsonObject(events[events.length - 1].substring(6));
        assertEquals(503, last.getJsonObject("error").getInteger("code"));
    }

    @Test
    void embeddingsFloatAndBase64() {
        String key = validKey("p1");
        JsonPath r = json("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"],\"dimensions\":4}")
                .header("Authorization", "Bearer " + key).post("/v1beta/openai/embeddings").then().statusCode(200)
                .body("object", equalTo("list")).body("data.size()", equalTo(2))
                .body("data[1].index", equalTo(1)).body("data[0].object", equalTo("embedding"))
                .extract().jsonPath();
        assertEquals(4, r.getList("data[0].embedding").size());
        String b64 = json("{\"model\":\"gemini-embedding-001\",\"input\":\"a\",\"dimensions\":4,\"encoding_format\":\"base64\"}")
                .header("Authorization", "Bearer " + key).post("/v1beta/openai/embeddings").then().statusCode(200)
                .extract().jsonPath().getString("data[0].embedding");
        assertEquals(16, Base64.getDecoder().decode(b64).length);
        assertEquals(3, sim.used("p1", "gemini-embedding-001")[0], "a list of two counts two");
    }

    @Test
    void modelsCarryThePrefix() {
        String key = validKey("p1");
        api().header("Authorization", "Bearer " + key).get("/v1beta/openai/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data.id", hasItem("models/gemini-3.8-flash"))
                .body("data[0].owned_by", equalTo("google"));
        api().header("Authorization", "Bearer " + key).get("/v1beta/openai/models/gemini-4-argon").then()
                .statusCode(200).body("id", equalTo("models/gemini-4-argon"));
        api().header("Authorization", "Bearer " + key).get("/v1beta/openai/models/models/gemini-4-argon").then()
                .statusCode(200).body("id", equalTo("models/gemini-4-argon"));
        assertNull(null);
    }

    @Test
    void imagesGenerationsAnswerB64Json() {
        String key = validKey("paid");
        sim.setProjectQuota("paid", "gemini-3.1-flash-image", 10, 10);
        String b64 = json("{\"model\":\"gemini-3.1-flash-image\",\"prompt\":\"a cat\",\"response_format\":\"b64_json\"}")
                .header("Authorization", "Bearer " + key).post("/v1beta/openai/images/generations").then()
                .statusCode(200).extract().jsonPath().getString("data[0].b64_json");
        assertEquals((byte) 0x89, Base64.getDecoder().decode(b64)[0]);
    }
}
