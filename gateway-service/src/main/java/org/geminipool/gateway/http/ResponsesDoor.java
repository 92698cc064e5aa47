package org.geminipool.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.geminipool.gateway.attempt.Door;
import org.geminipool.gateway.attempt.Exchange;
import org.geminipool.gateway.store.ResponseStore;
import org.geminipool.gateway.translate.ChatBridge;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.responses.ResponsesAnswer;
import org.geminipool.gateway.translate.responses.ResponsesStream;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;

/**
 * The OpenAI Responses door: Google's answers turned into Response objects and events (translate.responses); with
 * {@code store} the finished response and its conversation are kept in usage-service before the answer (or the
 * stream's last event) goes out, so the client's next turn finds it on any replica.
 */
final class ResponsesDoor implements Door {

    private static final Logger LOG = Logger.getLogger(ResponsesDoor.class);

    private final ObjectNode shell;
    private final boolean stream;
    private final boolean store;
    private final JsonNode requestContents;
    private final ResponseStore responses;

    ResponsesDoor(ObjectNode shell, boolean stream, boolean store, JsonNode requestContents, ResponseStore responses) {
        this.shell = shell;
        this.stream = stream;
        this.store = store;
        this.requestContents = requestContents;
        this.responses = responses;
    }

    @Override
    public String name() {
        return "responses";
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
        ObjectNode response = ResponsesAnswer.complete(shell.deepCopy(), gemini);
        keep(ex, response, ResponsesAnswer.modelContent(gemini)).onComplete(v -> ex.context.runOnContext(x ->
                GatewayResponses.json(ex.ctx, 200, response.toString(), ex.requestId)));
    }

    /** Stores the response and the chain's contents (when asked); never fails: a store problem is logged. */
    private Future<Void> keep(Exchange ex, ObjectNode response, ObjectNode modelContent) {
        if (!store) {
            return Future.succeededFuture();
        }
        ObjectNode document = GeminiParts.JSON.createObjectNode();
        document.set("response", response);
        ArrayNode contents = document.putArray("contents");
        contents.addAll((ArrayNode) requestContents);
        if (!modelContent.path("parts").isEmpty()) {
            contents.add(modelContent);
        }
        return responses.put(response.get("id").asText(), ex.clientTokenId, ex.leasedProject, document)
                .recover(e -> {
                    LOG.warnf("[%s] response %s not stored: %s", ex.requestId, response.get("id").asText(), e.getMessage());
                    return Future.succeededFuture();
                });
    }

    @Override
    public DoorStream openStream(Exchange ex) {
        ResponsesStream translation = new ResponsesStream(shell.deepCopy()); // fresh per attempt
        ChatBridge.Stream bridge = ex.attemptTarget != null && ex.attemptTarget.openRouter() ? new ChatBridge.Stream() : null;
        return new DoorStream() {
            @Override
            public Buffer feed(Buffer upstream) {
                byte[] bytes = bridge == null ? upstream.getBytes() : bridge.feed(upstream.getBytes());
                return Buffer.buffer(translation.feed(bytes), StandardCharsets.UTF_8.name());
            }

            @Override
            public Future<Buffer> end() {
                String closing = (bridge == null ? "" : translation.feed(bridge.end())) + translation.end();
                Future<Void> kept = translation.failed() ? Future.succeededFuture()
                        : keep(ex, translation.response(), translation.modelContent());
                return kept.map(v -> Buffer.buffer(closing, StandardCharsets.UTF_8.name()));
            }

            @Override
            public Buffer error(int status, String message) {
                return Buffer.buffer(translation.error(status, ProtocolErrors.scrub(message)), StandardCharsets.UTF_8.name());
            }
        };
    }
}
