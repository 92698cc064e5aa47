package org.geminipool.gateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage of the object kinds (design §4, gateway README "Usage of stored objects"): an Interactions create counts its
 * {@code usage.total_*} tokens under its model, streamed or not; a finished batch's results count their tokens once
 * when fetched — a native inline batch's GET, an OpenAI-compatible batch's output file content — however often they
 * are fetched.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class ObjectUsageTest extends GatewayTestBase {

    private static final String MODEL = "gemini-3.8-flash";
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void keys() {
        ensureDefaultPools();
        String pool = unique("objusage");
        for (int i = 0; i < 2; i++) {
            addKey(newKey(), unique("p-objusage"), KeyStatus.VALID, pool);
        }
        sim().setBatchPolls(2);
    }

    /** Today's usage of one model: requests, prompt, completion tokens. */
    private static long[] usageOf(String model) {
        long[] t = new long[3];
        for (Map<String, Object> row : usageDaily(pacificToday())) {
            if (model.equals(row.get("model"))) {
                t[0] += number(row, "requests");
                t[1] += number(row, "promptTokens");
                t[2] += number(row, "completionTokens");
            }
        }
        return t;
    }

    private long[] delta(long[] before) throws InterruptedException {
        awaitUsageShipped();
        long[] now = usageOf(MODEL);
        return new long[] {now[0] - before[0], now[1] - before[1], now[2] - before[2]};
    }

    private long[] baseline() throws InterruptedException {
        awaitUsageShipped();
        return usageOf(MODEL);
    }

    @Test
    void interactionsCountTheTokensOfTheirUsageStreamedOrNot() throws Exception {
        long[] before = baseline();
        JsonPath plain = client().contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"input\":\"count the tokens of this interaction\"}")
                .post("/v1beta/interactions").then().statusCode(200).extract().jsonPath();
        long in = plain.getLong("usage.total_input_tokens");
        long out = plain.getLong("usage.total_output_tokens");
        assertTrue(in > 0 && out > 0, plain.prettify());
        assertEquals(java.util.List.of(1L, in, out), java.util.Arrays.stream(delta(before)).boxed().toList(),
                "a plain interaction: one request with its usage");

        before = baseline();
        String sse = client().contentType(ContentType.JSON)
                .body("{\"model\":\"" + MODEL + "\",\"input\":\"and of this streamed one, word by word\",\"stream\":true}")
                .post("/v1beta/interactions").then().statusCode(200).extract().asString();
        JsonNode completed = null;
        for (String line : sse.split("\r?\n")) {
            if (line.startsWith("data:")) {
                JsonNode e = JSON.readTree(line.substring(5).trim());
                if ("interaction.completed".equals(e.path("event_type").asText())) {
                    completed = e;
                }
            }
        }
        assertNotNull(completed, sse);
        long sin = completed.path("interaction").path("usage").path("total_input_tokens").asLong();
        long sout = completed.path("interaction").path("usage").path("total_output_tokens").asLong();
        assertTrue(sin > 0 && sout > 0, completed.toString());
        assertEquals(java.util.List.of(1L, sin, sout), java.util.Arrays.stream(delta(before)).boxed().toList(),
                "a streamed interaction: one request with the usage of interaction.completed");
    }

    @Test
    void anInlineBatchsResultsCountTheirTokensOnceWhenFetched() throws Exception {
        long[] before = baseline();
        String name = client().contentType(ContentType.JSON)
                .body("{\"batch\":{\"displayName\":\"usage\",\"inputConfig\":{\"requests\":{\"requests\":["
                        + "{\"request\":{\"contents\":[{\"parts\":[{\"text\":\"first question of the batch\"}]}]},"
                        + "\"metadata\":{\"key\":\"a\"}},"
                        + "{\"request\":{\"contents\":[{\"parts\":[{\"text\":\"second, a little longer question\"}]}]},"
                        + "\"metadata\":{\"key\":\"b\"}}]}}}}")
                .post("/v1beta/models/" + MODEL + ":batchGenerateContent").then().statusCode(200)
                .extract().path("name");
        JsonPath done = null;
        for (int i = 0; i < 10; i++) {
            done = client().get("/v1beta/" + name).then().statusCode(200).extract().jsonPath();
            if (Boolean.TRUE.equals(done.get("done"))) {
                break;
            }
        }
        assertEquals(Boolean.TRUE, done.get("done"), done.prettify());
        long prompt = 0;
        long completion = 0;
        for (int i = 0; i < 2; i++) {
            String at = "response.inlinedResponses.inlinedResponses[" + i + "].response.usageMetadata.";
            prompt += done.getLong(at + "promptTokenCount");
            completion += done.getLong(at + "candidatesTokenCount");
        }
        assertTrue(prompt > 0 && completion > 0, done.prettify());
        // Fetched again (a client polling, another replica): still counted once.
        client().get("/v1beta/" + name).then().statusCode(200);
        client().get("/v1beta/" + name).then().statusCode(200);
        long[] d = delta(before);
        // The create (leased under the model, no tokens in its answer) and the results' one event.
        assertEquals(2, d[0], "the create and the results: " + usageDaily(pacificToday()));
        assertEquals(prompt, d[1], "the results' prompt tokens, once");
        assertEquals(completion, d[2], "the results' completion tokens, once");
    }

    @Test
    void anOpenAiBatchsOutputFileCountsItsTokensOnceWhenFetched() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            jsonl.append("{\"custom_id\":\"u-").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
                    .append("\"body\":{\"model\":\"").append(MODEL).append("\",\"messages\":[{\"role\":\"user\",")
                    .append("\"content\":\"usage question number ").append(i).append("\"}]}}\n");
        }
        String file = client().multiPart("purpose", "batch")
                .multiPart("file", "usage.jsonl", jsonl.toString().getBytes(StandardCharsets.UTF_8), "application/jsonl")
                .post("/v1beta/openai/files").then().statusCode(200).extract().path("id");
        long[] before = baseline();
        String batch = client().contentType(ContentType.JSON).body("{\"input_file_id\":\"" + file
                        + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")
                .post("/v1beta/openai/batches").then().statusCode(200).extract().path("id");
        String output = null;
        for (int i = 0; i < 10 && output == null; i++) {
            output = client().urlEncodingEnabled(false).get("/v1beta/openai/batches/" + batch.replace("/", "%2F"))
                    .then().statusCode(200).extract().path("output_file_id");
        }
        assertNotNull(output, "the batch finished");
        String path = "/v1beta/openai/files/" + output.replace("/", "%2F") + "/content";
        String content = client().urlEncodingEnabled(false).get(path).then().statusCode(200).extract().asString();
        long prompt = 0;
        long completion = 0;
        int lines = 0;
        for (String line : content.split("\n")) {
            if (!line.isBlank()) {
                JsonNode usage = JSON.readTree(line).path("response").path("body").path("usage");
                prompt += usage.path("prompt_tokens").asLong();
                completion += usage.path("completion_tokens").asLong();
                lines++;
            }
        }
        assertEquals(3, lines, content);
        assertTrue(prompt > 0 && completion > 0, content);
        client().urlEncodingEnabled(false).get(path).then().statusCode(200);
        long[] d = delta(before);
        assertEquals(1, d[0], "the results' one event (the compat create is quota-free, its model unread)");
        assertEquals(prompt, d[1], "the output's prompt tokens, once");
        assertEquals(completion, d[2], "the output's completion tokens, once");
    }
}
