package org.geminipool.gateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TokenUsageTest {

    private static TokenUsage scan(String json) {
        return TokenUsage.scan(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void geminiUsageIsReadWithoutTheCandidates() {
        String answer = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]}}],\n"
                + "  \"usageMetadata\" : {\"promptTokenCount\": 12, \"candidatesTokenCount\": 30,"
                + " \"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":12}], \"thoughtsTokenCount\": 7},"
                + " \"modelVersion\":\"gemini-2.5-flash\"}";
        assertEquals(new TokenUsage(12L, 30L, 7L), scan(answer));
    }

    @Test
    void aKeyInsideTheModelsTextIsNotTakenForTheUsage() {
        String answer = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":"
                + "\"the field \\\"usageMetadata\\\": {\\\"promptTokenCount\\\": 999}\"}]}}],"
                + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":4}}";
        assertEquals(new TokenUsage(3L, 4L, null), scan(answer));
        String noUsage = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\\\"usageMetadata\\\": {}\"}]}}]}";
        assertNull(scan(noUsage));
    }

    @Test
    void openAiUsageWithReasoningTokens() {
        String answer = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":5,"
                + "\"completion_tokens\":9,\"total_tokens\":14,\"completion_tokens_details\":{\"reasoning_tokens\":2}}}";
        assertEquals(new TokenUsage(5L, 9L, 2L), scan(answer));
    }

    @Test
    void scanAgreesWithTheTreeReading() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String answer = "{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":2,"
                + "\"thoughtsTokenCount\":3,\"totalTokenCount\":6}}";
        assertEquals(TokenUsage.from(json.readTree(answer)), scan(answer));
        assertNull(scan("{\"usageMetadata\": [1]}"));
        assertNull(scan("not json"));
    }
}
