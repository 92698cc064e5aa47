package org.geminipool.gateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams: retried only before the first byte; a failure after it ends the stream with an error event, no repeats. */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class StreamingTest extends GatewayTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> keys = new ArrayList<>();

    @BeforeEach
    void pool() {
        String pool = unique("stream");
        keys.clear();
        for (int i = 0; i < 2; i++) {
            String k = newKey();
            keys.add(k);
            addKey(k, unique("p-stream"), KeyStatus.VALID, pool);
        }
        useRoutes("routes:\n  - name: streams\n    match: { models: [stream_pool] }\n    targets: [ { pool: " + pool
                + ", model: gemini-3.8-flash } ]\n");
    }

    private long calls() {
        return keys.stream().mapToLong(k -> sim().accepted(k) + sim().refused(k)).sum();
    }

    @Test
    void nativeMidStreamErrorEndsTheStreamWithoutRepeats() throws Exception {
        sim().failMidStreamNext(1);
        String body = client().contentType(ContentType.JSON)
                .body(geminiBody("a long answer that streams in many chunks, please, with many words in it"))
                .post("/v1beta/models/stream_pool:streamGenerateContent?alt=sse").then().statusCode(200)
                .extract().asString();
        List<String> texts = new ArrayList<>();
        boolean error = false;
        for (String line : body.split("\r?\n")) {
            if (line.startsWith("data: ")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                texts.add(chunk.path("candidates").path(0).path("content").path("parts").path(0).path("text").asText());
            } else if (line.contains("\"error\"")) {
                error = true;
            }
        }
        assertTrue(texts.size() >= 1, body);
        assertTrue(error || body.contains("\"code\" : 503") || body.contains("UNAVAILABLE"), "an error follows the chunks: " + body);
        assertEquals(texts.size(), new HashSet<>(texts).size(), "no chunk twice: " + body);
        assertEquals(1, calls(), "the stream was not restarted on another key");
    }

    @Test
    void openAiMidStreamErrorBecomesAnOpenAiErrorEvent() throws Exception {
        sim().failMidStreamNext(1);
        String body = client().contentType(ContentType.JSON)
                .body(chatBody("stream_pool", "a long answer that streams in many chunks, please, with many words", true))
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        List<String> events = new ArrayList<>();
        for (String e : body.split("\n\n")) {
            if (!e.isBlank()) {
                events.add(e.trim());
            }
        }
        String last = events.get(events.size() - 1);
        assertTrue(last.startsWith("data: "), body);
        JsonNode error = JSON.readTree(last.substring(6)).path("error");
        assertTrue(error.path("message").isTextual() && error.path("type").isTextual(), "OpenAI error shape: " + last);
        assertFalse(body.contains("[DONE]"), body);
        assertTrue(events.size() >= 2, "chunks came before the error: " + body);
        assertEquals(events.size(), new HashSet<>(events).size(), "no event twice");
        assertEquals(1, calls());
    }

    @Test
    void failureBeforeTheFirstByteIsRetriedOnAnotherKey() {
        sim().failNext(1, 503);
        String body = client().contentType(ContentType.JSON).body(geminiBody("retry me before any byte"))
                .post("/v1beta/models/stream_pool:streamGenerateContent?alt=sse").then().statusCode(200)
                .extract().asString();
        assertTrue(body.contains("finishReason"), body);
        assertEquals(2, calls(), "one failed attempt, one that served");
    }
}
