package org.geminipool.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.anthropic.AnthropicAnswer;
import org.geminipool.gateway.translate.anthropic.AnthropicErrors;
import org.geminipool.gateway.translate.anthropic.AnthropicRequest;
import org.geminipool.gateway.translate.anthropic.AnthropicStream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnthropicTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) JSON.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void requestFieldsMapOntoGemini() {
        ObjectNode g = AnthropicRequest.toGemini(json("{'model':'claude-sonnet-4-5','max_tokens':1024,"
                + "'system':[{'type':'text','text':'be brief','cache_control':{'type':'ephemeral'}}],"
                + "'messages':[{'role':'user','content':[{'type':'text','text':'hi'},"
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'AAAA'}}]},"
                + "{'role':'assistant','content':'hello'},{'role':'user','content':'weather?'}],"
                + "'tools':[{'name':'get_weather','description':'d','input_schema':{'type':'object'}},"
                + "{'type':'web_search_20250305','name':'web_search'}],'tool_choice':{'type':'tool','name':'get_weather'},"
                + "'stop_sequences':['a','b','c','d','e','f'],'temperature':0.2,'top_p':0.9,'top_k':5,"
                + "'thinking':{'type':'enabled','budget_tokens':2048},'metadata':{'user_id':'u'}}"), false);
        assertEquals("be brief", g.at("/systemInstruction/parts/0/text").asText());
        assertEquals("user", g.at("/contents/0/role").asText());
        assertEquals("image/png", g.at("/contents/0/parts/1/inlineData/mimeType").asText());
        assertEquals("model", g.at("/contents/1/role").asText());
        assertEquals("hello", g.at("/contents/1/parts/0/text").asText());
        assertEquals("get_weather", g.at("/tools/0/functionDeclarations/0/name").asText());
        assertTrue(g.at("/tools/0/functionDeclarations/0/parametersJsonSchema").isObject());
        assertTrue(g.at("/tools/1/googleSearch").isObject());
        assertEquals("ANY", g.at("/toolConfig/functionCallingConfig/mode").asText());
        assertEquals("get_weather", g.at("/toolConfig/functionCallingConfig/allowedFunctionNames/0").asText());
        assertEquals(1024, g.at("/generationConfig/maxOutputTokens").asInt());
        assertEquals(5, g.at("/generationConfig/stopSequences").size());
        assertEquals(5, g.at("/generationConfig/topK").asInt());
        assertEquals(2048, g.at("/generationConfig/thinkingConfig/thinkingBudget").asInt());
        assertTrue(g.at("/generationConfig/thinkingConfig/includeThoughts").asBoolean());
        assertFalse(g.has("metadata"));
    }

    @Test
    void toolRoundTripCarriesTheThoughtSignatureInTheToolUseId() {
        JsonNode gemini = json("{'responseId':'r1','candidates':[{'content':{'role':'model','parts':[{'text':'x',"
                + "'thought':true},{'functionCall':{'name':'get_weather','args':{'city':'Paris'}},"
                + "'thoughtSignature':'c2lnbmF0dXJl+/='}]},'finishReason':'STOP'}],"
                + "'usageMetadata':{'promptTokenCount':10,'candidatesTokenCount':5,'thoughtsTokenCount':3}}");
        ObjectNode msg = AnthropicAnswer.message(gemini, "claude-sonnet-4-5");
        assertEquals("tool_use", msg.get("stop_reason").asText());
        assertEquals("thinking", msg.at("/content/0/type").asText());
        JsonNode toolUse = msg.at("/content/1");
        assertEquals("Paris", toolUse.at("/input/city").asText());
        String id = toolUse.get("id").asText();
        assertTrue(id.matches("toolu_[A-Za-z0-9_-]+"), id);
        assertEquals(8, msg.at("/usage/output_tokens").asInt());
        assertEquals(10, msg.at("/usage/input_tokens").asInt());
        // The client sends the tool_use back with a tool_result: the signature is restored on the functionCall.
        ObjectNode next = JSON.createObjectNode().put("model", "claude-sonnet-4-5").put("max_tokens", 100);
        var messages = next.putArray("messages");
        messages.add(json("{'role':'user','content':'weather in Paris?'}"));
        messages.addObject().put("role", "assistant").set("content", msg.get("content"));
        messages.add(json("{'role':'user','content':[{'type':'tool_result','tool_use_id':'" + id
                + "','content':[{'type':'text','text':'sunny'}]}]}"));
        ObjectNode g = AnthropicRequest.toGemini(next, false);
        JsonNode model = g.at("/contents/1");
        assertEquals("model", model.get("role").asText());
        assertEquals("get_weather", model.at("/parts/0/functionCall/name").asText());
        assertEquals("c2lnbmF0dXJl+/=", model.at("/parts/0/thoughtSignature").asText());
        assertEquals("get_weather", g.at("/contents/2/parts/0/functionResponse/name").asText());
        assertEquals("sunny", g.at("/contents/2/parts/0/functionResponse/response/result").asText());
    }

    @Test
    void aForeignHistoryGetsGooglesStandInSignatureOnlyWhereTheIdIsNotOurs() {
        ObjectNode g = AnthropicRequest.toGemini(json("{'model':'m','max_tokens':5,'messages':["
                + "{'role':'user','content':'x'},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'toolu_01A09q90qw90lq917835lq9','name':'f','input':{}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_01A09q90qw90lq917835lq9','content':'r'}]},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'toolu_0123456789abcdef','name':'f','input':{}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_0123456789abcdef','content':'r'}]}]}"), false);
        assertEquals(Signatures.FOREIGN, g.at("/contents/1/parts/0/thoughtSignature").asText());
        // An id this gateway made without a signature (the model gave none) stays without one.
        assertTrue(g.at("/contents/3/parts/0/thoughtSignature").isMissingNode());
    }

    @Test
    void badRequestsAreRefusedWithTheField() {
        assertThrows(TranslationException.class, () -> AnthropicRequest.toGemini(json("{'model':'m','messages':[]}"), false));
        assertThrows(TranslationException.class, () -> AnthropicRequest.toGemini(json(
                "{'model':'m','messages':[{'role':'user','content':'x'}]}"), false)); // max_tokens
        assertThrows(TranslationException.class, () -> AnthropicRequest.toGemini(json(
                "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'tool_result',"
                        + "'tool_use_id':'nope','content':'x'}]}]}"), false));
        assertThrows(TranslationException.class, () -> AnthropicRequest.toGemini(json(
                "{'model':'m','max_tokens':5,'messages':[{'role':'robot','content':'x'}]}"), false));
        // count_tokens needs no max_tokens
        assertNotNull(AnthropicRequest.toGemini(json("{'model':'m','messages':[{'role':'user','content':'x'}]}"), true));
    }

    @Test
    void errorsHaveAnthropicsShape() {
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}",
                AnthropicErrors.body(429, "slow").toString());
        assertEquals(529, AnthropicErrors.status(503));
        assertEquals("overloaded_error", AnthropicErrors.type(529));
        assertEquals("invalid_request_error", AnthropicErrors.type(400));
    }

    /** The stream's events as (name, data) pairs. */
    static List<JsonNode> events(String sse) {
        List<JsonNode> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : e.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (data != null) {
                ObjectNode n = json(data);
                assertEquals(name, n.get("type").asText(), "event name and type differ: " + e);
                out.add(n);
            }
        }
        return out;
    }

    @Test
    void streamFollowsAnthropicsEventSequence() {
        AnthropicStream s = new AnthropicStream("claude-haiku-4-5");
        String chunk1 = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"hm\",\"thought\":true},"
                + "{\"text\":\"Hel\"}]}}],\"usageMetadata\":{\"promptTokenCount\":7},\"responseId\":\"abc\"}\r\n\r\n";
        String chunk2 = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"lo\"},"
                + "{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":1}},\"thoughtSignature\":\"sig\"}]},"
                + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":4}}\r\n\r\n";
        byte[] all = (chunk1 + chunk2).getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        // bytes split anywhere
        out.append(s.feed(java.util.Arrays.copyOfRange(all, 0, 17)));
        out.append(s.feed(java.util.Arrays.copyOfRange(all, 17, 200)));
        out.append(s.feed(java.util.Arrays.copyOfRange(all, 200, all.length)));
        out.append(s.end());
        List<String> types = events(out.toString()).stream().map(n -> n.get("type").asText()
                + (n.has("delta") && n.get("delta").has("type") ? ":" + n.get("delta").get("type").asText() : "")
                + (n.has("content_block") ? ":" + n.get("content_block").get("type").asText() : "")).toList();
        assertEquals(List.of("message_start", "ping", "content_block_start:thinking",
                "content_block_delta:thinking_delta", "content_block_delta:signature_delta", "content_block_stop",
                "content_block_start:text", "content_block_delta:text_delta", "content_block_delta:text_delta",
                "content_block_stop", "content_block_start:tool_use", "content_block_delta:input_json_delta",
                "content_block_stop", "message_delta", "message_stop"), types);
        List<JsonNode> ev = events(out.toString());
        assertEquals(7, ev.get(0).at("/message/usage/input_tokens").asInt());
        JsonNode delta = ev.get(13);
        assertEquals("tool_use", delta.at("/delta/stop_reason").asText());
        assertEquals(4, delta.at("/usage/output_tokens").asInt());
        assertEquals("sig", Signatures.of(ev.get(10).at("/content_block/id").asText()));
        assertEquals(2, ev.get(10).get("index").asInt());
    }

    @Test
    void anErrorObjectInTheStreamBecomesAnErrorEvent() {
        AnthropicStream s = new AnthropicStream("m");
        String out = s.feed(("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}\n\n"
                + "{\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}\n\n")
                .getBytes(StandardCharsets.UTF_8)) + s.end();
        List<JsonNode> ev = events(out);
        JsonNode last = ev.get(ev.size() - 1);
        assertEquals("error", last.get("type").asText());
        assertEquals("overloaded_error", last.at("/error/type").asText());
    }
}
