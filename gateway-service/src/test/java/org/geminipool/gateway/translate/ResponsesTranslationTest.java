package org.geminipool.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.responses.ResponsesAnswer;
import org.geminipool.gateway.translate.responses.ResponsesRequest;
import org.geminipool.gateway.translate.responses.ResponsesStream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.geminipool.gateway.translate.AnthropicTranslationTest.events;
import static org.geminipool.gateway.translate.AnthropicTranslationTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponsesTranslationTest {

    @Test
    void requestFieldsMapOntoGemini() {
        ObjectNode g = ResponsesRequest.toGemini(json("{'model':'gemini-3.8-flash','instructions':'be brief',"
                + "'input':[{'role':'developer','content':'no emojis'},"
                + "{'role':'user','content':[{'type':'input_text','text':'look'},"
                + "{'type':'input_image','image_url':'data:image/png;base64,AAAA'}]},"
                + "{'type':'function_call','call_id':'call_1','name':'f','arguments':'{\\'a\\':1}'},"
                + "{'type':'function_call_output','call_id':'call_1','output':'42'}],"
                + "'tools':[{'type':'function','name':'f','parameters':{'type':'object'}},{'type':'web_search'}],"
                + "'tool_choice':'required','reasoning':{'effort':'high','summary':'auto'},'max_output_tokens':500,"
                + "'text':{'format':{'type':'json_schema','name':'x','schema':{'type':'object'}}}}"), null, null);
        assertEquals("be brief", g.at("/systemInstruction/parts/0/text").asText());
        assertEquals("no emojis", g.at("/systemInstruction/parts/1/text").asText());
        assertEquals("image/png", g.at("/contents/0/parts/1/inlineData/mimeType").asText());
        assertEquals("model", g.at("/contents/1/role").asText());
        assertEquals(1, g.at("/contents/1/parts/0/functionCall/args/a").asInt());
        assertEquals("f", g.at("/contents/2/parts/0/functionResponse/name").asText());
        assertEquals("42", g.at("/contents/2/parts/0/functionResponse/response/output").asText());
        assertTrue(g.at("/tools/1/googleSearch").isObject());
        assertEquals("ANY", g.at("/toolConfig/functionCallingConfig/mode").asText());
        assertEquals(24576, g.at("/generationConfig/thinkingConfig/thinkingBudget").asInt());
        assertTrue(g.at("/generationConfig/thinkingConfig/includeThoughts").asBoolean());
        assertEquals("application/json", g.at("/generationConfig/responseMimeType").asText());
        assertTrue(g.at("/generationConfig/responseJsonSchema").isObject());
        assertEquals(500, g.at("/generationConfig/maxOutputTokens").asInt());
    }

    @Test
    void aChainReplaysTheStoredContentsAndNamesTheStoredCalls() {
        JsonNode previous = json("{'c':[{'role':'user','parts':[{'text':'hi'}]},{'role':'model','parts':[{'functionCall':"
                + "{'name':'lookup','args':{}},'thoughtSignature':'sig'}]}]}").get("c");
        JsonNode output = json("{'o':[{'type':'function_call','call_id':'call_9','name':'lookup','arguments':'{}'}]}").get("o");
        ObjectNode g = ResponsesRequest.toGemini(json("{'model':'m','input':[{'type':'function_call_output',"
                + "'call_id':'call_9','output':'done'}]}"), previous, output);
        assertEquals(3, g.get("contents").size());
        assertEquals("sig", g.at("/contents/1/parts/0/thoughtSignature").asText());
        assertEquals("lookup", g.at("/contents/2/parts/0/functionResponse/name").asText());
        assertThrows(TranslationException.class, () -> ResponsesRequest.toGemini(json("{'model':'m','input':[{'type':"
                + "'function_call_output','call_id':'unknown','output':'x'}]}"), null, null));
    }

    @Test
    void answerBecomesAResponseWithItemsAndUsage() {
        ObjectNode shell = ResponsesAnswer.shell(json("{'model':'m','input':'x'}"), "resp_1", "m", 1);
        JsonNode gemini = json("{'candidates':[{'content':{'parts':[{'text':'t','thought':true},{'text':'Hello'},"
                + "{'functionCall':{'name':'f','args':{'a':1}},'thoughtSignature':'s1'}]},'finishReason':'STOP'}],"
                + "'usageMetadata':{'promptTokenCount':3,'candidatesTokenCount':4,'thoughtsTokenCount':5}}");
        ObjectNode r = ResponsesAnswer.complete(shell, gemini);
        assertEquals("completed", r.get("status").asText());
        assertEquals("reasoning", r.at("/output/0/type").asText());
        assertEquals("Hello", r.at("/output/1/content/0/text").asText());
        assertEquals("function_call", r.at("/output/2/type").asText());
        assertEquals("{\"a\":1}", r.at("/output/2/arguments").asText());
        assertEquals("s1", Signatures.of(r.at("/output/2/call_id").asText()));
        assertEquals(9, r.at("/usage/output_tokens").asInt());
        assertEquals(5, r.at("/usage/output_tokens_details/reasoning_tokens").asInt());
        assertEquals(12, r.at("/usage/total_tokens").asInt());
        // The history keeps the call and its signature, not the thought summary.
        JsonNode content = ResponsesAnswer.modelContent(gemini);
        assertEquals(2, content.get("parts").size());
        assertEquals("s1", content.at("/parts/1/thoughtSignature").asText());
    }

    @Test
    void streamFollowsTheResponsesEventSequence() {
        ResponsesStream s = new ResponsesStream(ResponsesAnswer.shell(json("{'model':'m','input':'x'}"), "resp_2", "m", 1));
        String sse = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}]}}]}\r\n\r\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo\"},{\"functionCall\":{\"name\":\"f\","
                + "\"args\":{}},\"thoughtSignature\":\"z\"}]},\"finishReason\":\"STOP\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":2,\"candidatesTokenCount\":3}}\r\n\r\n";
        String out = s.feed(sse.getBytes(StandardCharsets.UTF_8)) + s.end();
        List<JsonNode> ev = events(out);
        List<String> types = ev.stream().map(n -> n.get("type").asText()).toList();
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed"), types);
        for (int i = 0; i < ev.size(); i++) {
            assertEquals(i, ev.get(i).get("sequence_number").asInt());
        }
        JsonNode completed = ev.get(ev.size() - 1).get("response");
        assertEquals("Hello", completed.at("/output/0/content/0/text").asText());
        assertEquals(1, ev.get(9).get("output_index").asInt());
        assertEquals(5, completed.at("/usage/total_tokens").asInt());
        assertEquals("Hello", s.modelContent().at("/parts/0/text").asText());
        assertEquals("z", s.modelContent().at("/parts/1/thoughtSignature").asText());
    }
}
