package org.geminipool.gateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What OpenAI-compatible answers created, and the tokens of batch results (pure parts of {@link PassThrough}). */
class PassThroughObjectsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void openAiAnswersNameWhatTheyCreated() throws Exception {
        List<PassThrough.Created> file = PassThrough.openAiCreated(HttpMethod.POST, Set.of(),
                JSON.readTree("{\"id\":\"files/f1\",\"object\":\"file\",\"expires_at\":4102444800}"));
        assertEquals(List.of(new PassThrough.Created("files/f1", Instant.ofEpochSecond(4102444800L))), file);
        assertEquals("videos/v1", PassThrough.openAiCreated(HttpMethod.POST, Set.of(),
                JSON.readTree("{\"id\":\"v1\",\"object\":\"video\"}")).get(0).name());
        // A cancel answers its own batch (named by the request): nothing new; a finished batch's output files are.
        List<PassThrough.Created> cancel = PassThrough.openAiCreated(HttpMethod.POST, Set.of("batches/b1"),
                JSON.readTree("{\"id\":\"batches/b1\",\"object\":\"batch\",\"input_file_id\":\"files/in\","
                        + "\"output_file_id\":\"files/out\",\"error_file_id\":null}"));
        assertEquals(List.of(new PassThrough.Created("files/out", null)), cancel);
        assertTrue(PassThrough.openAiCreated(HttpMethod.GET, Set.of("files/f1"),
                JSON.readTree("{\"id\":\"files/f1\",\"object\":\"file\"}")).isEmpty());
        assertTrue(PassThrough.openAiCreated(HttpMethod.POST, Set.of(),
                JSON.readTree("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\"}")).isEmpty());
    }

    @Test
    void batchResultsAddUpTheirLinesTokens() throws Exception {
        PassThrough.BatchResults lines = new PassThrough.BatchResults();
        String jsonl = "{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":{\"model\":\"gemini-3.8-flash\","
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}}}\n"
                + "{\"key\":\"b\",\"response\":{\"modelVersion\":\"x\",\"usageMetadata\":{\"promptTokenCount\":7,"
                + "\"candidatesTokenCount\":11,\"thoughtsTokenCount\":2}}}\n"
                + "{\"key\":\"c\",\"error\":{\"code\":3}}\nnot json\n";
        byte[] bytes = jsonl.getBytes(StandardCharsets.UTF_8);
        // Fed in pieces that cut lines anywhere.
        for (int i = 0; i < bytes.length; i += 7) {
            lines.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7))));
        }
        lines.end();
        assertEquals(2, lines.results);
        assertEquals(10L, lines.prompt);
        assertEquals(16L, lines.completion);
        assertEquals(2L, lines.thought);
        assertEquals("gemini-3.8-flash", lines.model);

        PassThrough.BatchResults inline = PassThrough.BatchResults.inline(JSON.readTree("{\"done\":true,"
                + "\"metadata\":{\"model\":\"models/gemini-3.8-flash\"},\"response\":{\"inlinedResponses\":"
                + "{\"inlinedResponses\":[{\"response\":{\"usageMetadata\":{\"promptTokenCount\":4,"
                + "\"candidatesTokenCount\":6}}}]}}}"));
        assertEquals(4L, inline.prompt);
        assertEquals("gemini-3.8-flash", inline.model);
        assertNull(PassThrough.BatchResults.inline(JSON.readTree("{\"done\":false,\"metadata\":{}}")));

        assertEquals(PassThrough.resultsEventId("batches/b1"), PassThrough.resultsEventId("batches/b1"));
        assertNotEquals(PassThrough.resultsEventId("batches/b1"), PassThrough.resultsEventId("files/b1"));
    }
}
