package org.geminipool.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamingTest extends SimTestBase {

    private static final String SSE = "/v1beta/models/gemini-3.8-flash:streamGenerateContent?alt=sse";

    /** Splits a Google SSE body on its CRLF framing; every event must be exactly "data: {json}\r\n\r\n". */
    static List<JsonObject> sseEvents(String body) {
        List<JsonObject> out = new ArrayList<>();
        String[] events = body.split("\r\n\r\n", -1);
        assertEquals("", events[events.length - 1], "body ends with the CRLF CRLF of the last event");
        for (int i = 0; i < events.length - 1; i++) {
            assertTrue(events[i].startsWith("data: "), "event " + i + ": " + events[i]);
            assertFalse(events[i].contains("\n"), "compact JSON on one line");
            out.add(new JsonObject(events[i].substring("data: ".length())));
        }
        return out;
    }

    @Test
    void sseFramingUsageInEveryChunkFinishReasonInTheLast() {
        String key = validKey("p1");
        String body = json(userText("Tell me a long story about quotas")).header("x-goog-api-key", key).post(SSE)
                .then().statusCode(200).contentType(startsWith("text/event-stream")).extract().asString();
        List<JsonObject> events = sseEvents(body);
        assertTrue(events.size() >= 3, "several chunks: " + events.size());
        StringBuilder text = new StringBuilder();
        String responseId = events.get(0).getString("responseId");
        for (int i = 0; i < events.size(); i++) {
            JsonObject e = events.get(i);
            JsonObject usage = e.getJsonObject("usageMetadata");
            assertNotNull(usage, "usageMetadata in chunk " + i);
            assertEquals(usage.getInteger("promptTokenCount") + usage.getInteger("candidatesTokenCount", 0)
                    + usage.getInteger("thoughtsTokenCount", 0), usage.getInteger("totalTokenCount"));
            assertEquals("gemini-3.8-flash", e.getString("modelVersion"));
            assertEquals(responseId, e.getString("responseId"));
            JsonObject cand = e.getJsonArray("candidates").getJsonObject(0);
            if (i < events.size() - 1) {
                assertNull(cand.getString("finishReason"), "no finishReason before the last chunk");
            } else {
                assertEquals("STOP", cand.getString("finishReason"));
            }
            text.append(cand.getJsonObject("content").getJsonArray("parts").getJsonObject(0).getString("text"));
        }
        String whole = json(userText("Tell me a long story about quotas")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200).extract().jsonPath()
                .getString("candidates[0].content.parts[0].text");
        assertEquals(whole, text.toString(), "the stream carries the same text as the unary call");
        assertEquals(2, sim.accepted("p1", "gemini-3.8-flash"));
    }

    @Test
    void withoutAltTheStreamIsAPrettyJsonArray() {
        String key = validKey("p1");
        String body = json(userText("Tell me a long story about quotas")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:streamGenerateContent")
                .then().statusCode(200).contentType(startsWith("application/json")).extract().asString();
        assertTrue(body.startsWith("[{\n"), body.substring(0, 10));
        assertTrue(body.endsWith("}\n]"), "ends with \\n]");
        assertTrue(body.contains("}\n,\r\n{"), "elements separated by \\n,\\r\\n");
        JsonArray arr = new JsonArray(body);
        assertTrue(arr.size() >= 3);
        assertEquals("STOP", arr.getJsonObject(arr.size() - 1).getJsonArray("candidates").getJsonObject(0)
                .getString("finishReason"));
    }

    @Test
    void errorsOfTheArrayFormAreArrayWrappedAndSseErrorsAreNot() {
        String bad = fakeKey();
        String body = json(userText("hi")).header("x-goog-api-key", bad)
                .post("/v1beta/models/gemini-3.8-flash:streamGenerateContent").then().statusCode(400).extract().asString();
        JsonArray arr = new JsonArray(body);
        assertEquals("API_KEY_INVALID", arr.getJsonObject(0).getJsonObject("error").getJsonArray("details")
                .getJsonObject(0).getString("reason"));
        json(userText("hi")).header("x-goog-api-key", bad).post(SSE).then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT"));
    }

    @Test
    void midStreamFailureSendsSomeChunksThenARawJsonError() {
        String key = validKey("p1");
        sim.failMidStreamNext(1);
        String body = json(userText("Tell me a long story about quotas")).header("x-goog-api-key", key).post(SSE)
                .then().statusCode(200).extract().asString();
        int lastFrame = body.lastIndexOf("\r\n\r\n");
        assertTrue(lastFrame > 0, "some events came first");
        List<JsonObject> events = sseEvents(body.substring(0, lastFrame + 4));
        assertFalse(events.isEmpty());
        for (JsonObject e : events) {
            assertNull(e.getJsonArray("candidates").getJsonObject(0).getString("finishReason"));
        }
        String raw = body.substring(lastFrame + 4).trim();
        assertFalse(raw.startsWith("data:"), "the error is not SSE-framed");
        JsonObject err = new JsonObject(raw).getJsonObject("error");
        assertEquals(503, err.getInteger("code"));
        assertEquals("UNAVAILABLE", err.getString("status"));
        assertEquals(HIGH_DEMAND, err.getString("message"));
        // only the next one fails
        String ok = json(userText("again")).header("x-goog-api-key", key).post(SSE).then().statusCode(200)
                .extract().asString();
        sseEvents(ok);
        // array form
        sim.failMidStreamNext(1);
        String arr = json(userText("Tell me a long story about quotas")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:streamGenerateContent").then().statusCode(200)
                .extract().asString();
        JsonArray parsed = new JsonArray(arr);
        assertEquals("UNAVAILABLE", parsed.getJsonObject(parsed.size() - 1).getJsonObject("error").getString("status"));
    }

    @Test
    void perChunkLatencyStillDeliversEverything() {
        String key = validKey("p1");
        sim.setLatency(java.time.Duration.ofMillis(5), java.time.Duration.ofMillis(2));
        String body = json(userText("latency")).header("x-goog-api-key", key).post(SSE).then().statusCode(200)
                .extract().asString();
        List<JsonObject> events = sseEvents(body);
        assertEquals("STOP", events.get(events.size() - 1).getJsonArray("candidates").getJsonObject(0)
                .getString("finishReason"));
    }
}
