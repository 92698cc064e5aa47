package org.geminipool.gateway.upstream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class StreamScannerTest {

    private static void feedInPieces(StreamScanner s, String text, int piece) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += piece) {
            s.feed(b, i, Math.min(piece, b.length - i));
        }
    }

    @Test
    void sseUsageFromTheLastChunkEvenWhenSplitAnywhere() {
        String sse = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a } \\\" {\"}]}}],\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1}}\r\n\r\n"
                + "data: {\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":9,\"thoughtsTokenCount\":4}}\r\n\r\n";
        for (int piece : new int[] {1, 3, 7, 1000}) {
            StreamScanner s = new StreamScanner();
            feedInPieces(s, sse, piece);
            assertEquals(new TokenUsage(3L, 9L, 4L), s.usage());
            assertNull(s.error());
        }
    }

    @Test
    void arrayFormWithRawErrorAfterChunks() {
        String body = "[{\"usageMetadata\":{\"promptTokenCount\":2,\"candidatesTokenCount\":5}}\n,\r\n"
                + "{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"The model is overloaded.\",\n    \"status\": \"UNAVAILABLE\"\n  }\n}\n]";
        StreamScanner s = new StreamScanner();
        feedInPieces(s, body, 5);
        assertNotNull(s.error());
        assertEquals(503, s.error().path("code").asInt());
        assertEquals(5, s.usage().completionTokens());
    }

    @Test
    void openAiUsageChunk() {
        StreamScanner s = new StreamScanner();
        feedInPieces(s, "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":null}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":11}}\n\ndata: [DONE]\n\n", 4);
        assertEquals(new TokenUsage(7L, 11L, null), s.usage());
    }
}
