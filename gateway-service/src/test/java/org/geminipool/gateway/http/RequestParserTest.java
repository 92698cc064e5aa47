package org.geminipool.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestParserTest {

    @Test
    void geminiAndOpenAiPaths() {
        ApiCall c = RequestParser.parse(HttpMethod.POST, "/v1beta/models/gemini-3.8-flash:streamGenerateContent", "sse");
        assertEquals(Operation.STREAM_GENERATE_CONTENT, c.operation());
        assertEquals("gemini-3.8-flash", c.pathModel());
        assertTrue(c.sse());
        assertEquals(Operation.GENERATE_CONTENT,
                RequestParser.parse(HttpMethod.POST, "/v1/models/gemini-3.8-flash%3AgenerateContent", null).operation());
        assertEquals(Protocol.GEMINI, RequestParser.protocolOf("/v1/models/x:generateContent"));
        assertEquals(Operation.OPENAI_LIST_MODELS, RequestParser.parse(HttpMethod.GET, "/v1/models", null).operation());
        assertEquals(Operation.LIST_MODELS, RequestParser.parse(HttpMethod.GET, "/v1beta/models", null).operation());
        assertEquals(Operation.CHAT_COMPLETIONS,
                RequestParser.parse(HttpMethod.POST, "/v1beta/openai/chat/completions", null).operation());
        assertEquals(Protocol.OPENAI, RequestParser.protocolOf("/v1/chat/completions"));
    }

    @Test
    void wrongMethodAndUnknownPaths() {
        assertEquals(405, assertThrows(ClientError.class,
                () -> RequestParser.parse(HttpMethod.GET, "/v1beta/models/m:generateContent", null)).status());
        assertEquals(405, assertThrows(ClientError.class,
                () -> RequestParser.parse(HttpMethod.GET, "/v1/chat/completions", null)).status());
        assertEquals(404, assertThrows(ClientError.class,
                () -> RequestParser.parse(HttpMethod.POST, "/v1beta/models/m:fly", null)).status());
        assertEquals(404, assertThrows(ClientError.class,
                () -> RequestParser.parse(HttpMethod.POST, "/v1/completions", null)).status());
    }

    @Test
    void badBodies() {
        ApiCall chat = RequestParser.parse(HttpMethod.POST, "/v1/chat/completions", null);
        assertEquals(400, assertThrows(ClientError.class, () -> RequestParser.body(chat, Buffer.buffer())).status());
        assertEquals(400, assertThrows(ClientError.class, () -> RequestParser.body(chat, Buffer.buffer("{\"model\":"))).status());
        assertEquals(400, assertThrows(ClientError.class, () -> RequestParser.body(chat, Buffer.buffer("[1]"))).status());
        assertEquals(400, assertThrows(ClientError.class,
                () -> RequestParser.body(chat, Buffer.buffer("{\"model\":\"m\",\"messages\":[]}"))).status());
        ApiCall gen = RequestParser.parse(HttpMethod.POST, "/v1beta/models/m:generateContent", null);
        assertEquals(400, assertThrows(ClientError.class, () -> RequestParser.body(gen, Buffer.buffer("{}"))).status());
        RequestParser.body(gen, Buffer.buffer("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}"));
    }

    @Test
    void keysInUpstreamMessagesAreMasked() {
        String msg = ProtocolErrors.scrub("Consumer 'api_key:AIzaSyA1234567890abcdefghijklmnopqrstuv' has been suspended.");
        assertTrue(msg.contains("AIza…stuv") && !msg.contains("AIzaSyA123"), msg);
    }
}
