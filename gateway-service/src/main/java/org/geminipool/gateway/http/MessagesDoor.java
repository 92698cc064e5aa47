package org.geminipool.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.geminipool.gateway.attempt.Door;
import org.geminipool.gateway.attempt.Exchange;
import org.geminipool.gateway.translate.ChatBridge;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.anthropic.AnthropicAnswer;
import org.geminipool.gateway.translate.anthropic.AnthropicStream;

import java.nio.charset.StandardCharsets;

/** The Anthropic Messages door: Google's answers turned into Messages (translate.anthropic). */
final class MessagesDoor implements Door {

    private final String model;
    private final boolean stream;
    private final boolean countTokens;

    MessagesDoor(String model, boolean stream, boolean countTokens) {
        this.model = model;
        this.stream = stream;
        this.countTokens = countTokens;
    }

    @Override
    public String name() {
        return "messages";
    }

    @Override
    public boolean stream() {
        return stream;
    }

    @Override
    public void answer(Exchange ex, Buffer geminiBody) {
        JsonNode gemini;
        try {
            gemini = GeminiParts.JSON.readTree(geminiBody.getBytes());
            if (ex.servedBy != null && ex.servedBy.openRouter()) {
                gemini = ChatBridge.answer(gemini);
            }
        } catch (Exception e) {
            GatewayResponses.error(ex.ctx, ex.call, 502, "the upstream answer was not JSON", null, ex.requestId);
            return;
        }
        String body = countTokens ? AnthropicAnswer.countTokens(gemini).toString()
                : AnthropicAnswer.message(gemini, model).toString();
        ex.ctx.response().putHeader("request-id", ex.requestId);
        GatewayResponses.json(ex.ctx, 200, body, ex.requestId);
    }

    @Override
    public DoorStream openStream(Exchange ex) {
        AnthropicStream translation = new AnthropicStream(model);
        ChatBridge.Stream bridge = ex.attemptTarget != null && ex.attemptTarget.openRouter() ? new ChatBridge.Stream() : null;
        return new DoorStream() {
            @Override
            public Buffer feed(Buffer upstream) {
                byte[] bytes = bridge == null ? upstream.getBytes() : bridge.feed(upstream.getBytes());
                return Buffer.buffer(translation.feed(bytes), StandardCharsets.UTF_8.name());
            }

            @Override
            public Future<Buffer> end() {
                String rest = bridge == null ? "" : translation.feed(bridge.end());
                return Future.succeededFuture(Buffer.buffer(rest + translation.end(), StandardCharsets.UTF_8.name()));
            }

            @Override
            public Buffer error(int status, String message) {
                return Buffer.buffer(translation.error(status, ProtocolErrors.scrub(message)), StandardCharsets.UTF_8.name());
            }
        };
    }
}
