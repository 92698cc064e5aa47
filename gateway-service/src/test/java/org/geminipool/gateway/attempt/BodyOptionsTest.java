package org.geminipool.gateway.attempt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.routing.Target;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BodyOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }

    private static Target target(List<String> tools, Integer budget) {
        return new Target("p", "gemini-3.8-flash", Target.GOOGLE, tools, budget, false);
    }

    @Test
    void geminiGetsGoogleSearchOnceAndTheBudget() throws Exception {
        ObjectNode client = json("{\"contents\":[],\"tools\":[{\"functionDeclarations\":[]}],"
                + "\"generationConfig\":{\"temperature\":0.2,\"thinkingConfig\":{\"includeThoughts\":true}}}");
        ObjectNode out = BodyOptions.gemini(client, target(List.of("googleSearch"), 0));
        assertEquals("[{\"functionDeclarations\":[]},{\"googleSearch\":{}}]", out.get("tools").toString());
        assertEquals(0, out.at("/generationConfig/thinkingConfig/thinkingBudget").asInt());
        assertTrue(out.at("/generationConfig/thinkingConfig/includeThoughts").asBoolean());
        assertFalse(client.at("/generationConfig/thinkingConfig").has("thinkingBudget"), "the client body is untouched");

        ObjectNode already = BodyOptions.gemini(json("{\"contents\":[],\"tools\":[{\"google_search\":{}}]}"),
                target(List.of("googleSearch"), null));
        assertEquals(1, already.get("tools").size());
    }

    @Test
    void openAiGetsReasoningEffortAndLosesWebSearchTools() throws Exception {
        ObjectNode out = BodyOptions.openAiChat(json("{\"model\":\"x\",\"tools\":[{\"type\":\"web_search\"},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"web_search_options\":{},"
                + "\"extra_body\":{\"google\":{\"thinking_config\":{\"thinking_budget\":5}}},\"messages\":[]}"),
                target(List.of("googleSearch"), 0));
        assertEquals("gemini-3.8-flash", out.get("model").asText());
        assertEquals("none", out.get("reasoning_effort").asText());
        assertEquals(1, out.get("tools").size());
        assertFalse(out.has("web_search_options"));
        assertFalse(out.at("/extra_body/google").has("thinking_config"));
        assertEquals("low", BodyOptions.reasoningEffort(1024));
        assertEquals("medium", BodyOptions.reasoningEffort(8192));
        assertEquals("high", BodyOptions.reasoningEffort(8193));
        assertFalse(BodyOptions.openAiChat(json("{\"reasoning_effort\":\"high\",\"messages\":[]}"), target(List.of(), -1))
                .has("reasoning_effort"));
    }
}
