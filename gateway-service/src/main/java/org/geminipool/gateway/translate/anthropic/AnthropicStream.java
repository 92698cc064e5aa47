package org.geminipool.gateway.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.SseEvents;

import java.util.List;

/**
 * Google's SSE stream → Anthropic's event sequence: {@code message_start}, {@code ping}, per block
 * {@code content_block_start} / {@code content_block_delta} (text_delta, thinking_delta, signature_delta,
 * input_json_delta) / {@code content_block_stop}, then {@code message_delta} (stop_reason, usage) and
 * {@code message_stop}. An error object in the stream becomes an {@code error} event. Stateful, one per stream; pure.
 */
public final class AnthropicStream {

    private enum Block { NONE, TEXT, THINKING }

    private final String model;
    private final SseEvents events = new SseEvents();
    private boolean started;
    private boolean ended;
    private Block open = Block.NONE;
    private int index = -1;
    private boolean toolUse;
    private String finish;
    private JsonNode usage = GeminiParts.JSON.createObjectNode();

    public AnthropicStream(String model) {
        this.model = model;
    }

    public String feed(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (JsonNode chunk : events.feed(bytes)) {
            onChunk(chunk, out);
        }
        return out.toString();
    }

    /** The closing events (after the last upstream byte). */
    public String end() {
        StringBuilder out = new StringBuilder();
        for (JsonNode chunk : events.end()) {
            onChunk(chunk, out);
        }
        if (ended) {
            return out.toString();
        }
        start(null, out);
        closeBlock(out);
        ended = true;
        ObjectNode delta = GeminiParts.JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", AnthropicAnswer.stopReason(finish, toolUse)).putNull("stop_sequence");
        delta.set("usage", AnthropicAnswer.usage(usage));
        out.append(SseEvents.named("message_delta", delta));
        out.append(SseEvents.named("message_stop", GeminiParts.JSON.createObjectNode().put("type", "message_stop")));
        return out.toString();
    }

    /** An error event (the stream broke off, or Google sent an error object). */
    public String error(int status, String message) {
        ended = true;
        return SseEvents.named("error", AnthropicErrors.body(status, message));
    }

    private void onChunk(JsonNode chunk, StringBuilder out) {
        if (ended) {
            return;
        }
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            out.append(error(error.path("code").asInt(500), error.path("message").asText("upstream error")));
            return;
        }
        start(chunk, out);
        if (chunk.path("usageMetadata").isObject()) {
            usage = chunk.get("usageMetadata");
        }
        String f = GeminiParts.finishReason(chunk);
        if (f != null) {
            finish = f;
        }
        List<JsonNode> parts = List.of();
        JsonNode p = GeminiParts.parts(chunk);
        if (p.isArray()) {
            parts = new java.util.ArrayList<>();
            for (JsonNode x : p) {
                parts.add(x);
            }
        }
        for (JsonNode part : parts) {
            String signature = GeminiParts.signature(part);
            if (part.has("functionCall")) {
                closeBlock(out);
                toolUse = true;
                ObjectNode block = AnthropicAnswer.toolUse(part);
                JsonNode input = block.get("input");
                block.set("input", GeminiParts.JSON.createObjectNode());
                index++;
                out.append(SseEvents.named("content_block_start", GeminiParts.JSON.createObjectNode()
                        .put("type", "content_block_start").put("index", index).set("content_block", block)));
                ObjectNode d = GeminiParts.JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                d.putObject("delta").put("type", "input_json_delta").put("partial_json", input.toString());
                out.append(SseEvents.named("content_block_delta", d));
                out.append(SseEvents.named("content_block_stop", GeminiParts.JSON.createObjectNode()
                        .put("type", "content_block_stop").put("index", index)));
            } else if (part.path("thought").asBoolean(false) && part.path("text").isTextual()) {
                openBlock(Block.THINKING, out);
                delta("thinking_delta", "thinking", part.get("text").asText(), out);
                if (signature != null) {
                    delta("signature_delta", "signature", signature, out);
                    closeBlock(out);
                }
            } else if (part.path("text").isTextual() && !part.get("text").asText().isEmpty()) {
                openBlock(Block.TEXT, out);
                delta("text_delta", "text", part.get("text").asText(), out);
            }
        }
    }

    private void start(JsonNode chunk, StringBuilder out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode msg = chunk == null ? AnthropicAnswer.message(GeminiParts.JSON.createObjectNode(), model)
                : AnthropicAnswer.message(stripParts(chunk), model);
        msg.putArray("content");
        msg.putNull("stop_reason");
        ObjectNode u = (ObjectNode) msg.get("usage");
        u.put("output_tokens", 1);
        out.append(SseEvents.named("message_start", GeminiParts.JSON.createObjectNode().put("type", "message_start")
                .set("message", msg)));
        out.append(SseEvents.named("ping", GeminiParts.JSON.createObjectNode().put("type", "ping")));
    }

    private static JsonNode stripParts(JsonNode chunk) {
        ObjectNode c = GeminiParts.JSON.createObjectNode();
        if (chunk.has("responseId")) {
            c.set("responseId", chunk.get("responseId"));
        }
        if (chunk.has("usageMetadata")) {
            c.set("usageMetadata", chunk.get("usageMetadata"));
        }
        return c;
    }

    private void openBlock(Block kind, StringBuilder out) {
        if (open == kind) {
            return;
        }
        closeBlock(out);
        index++;
        open = kind;
        ObjectNode block = GeminiParts.JSON.createObjectNode();
        if (kind == Block.TEXT) {
            block.put("type", "text").put("text", "");
        } else {
            block.put("type", "thinking").put("thinking", "").put("signature", "");
        }
        out.append(SseEvents.named("content_block_start", GeminiParts.JSON.createObjectNode()
                .put("type", "content_block_start").put("index", index).set("content_block", block)));
    }

    private void closeBlock(StringBuilder out) {
        if (open == Block.NONE) {
            return;
        }
        if (open == Block.THINKING && !signed) {
            delta("signature_delta", "signature", AnthropicAnswer.NO_SIGNATURE, out);
        }
        out.append(SseEvents.named("content_block_stop", GeminiParts.JSON.createObjectNode()
                .put("type", "content_block_stop").put("index", index)));
        open = Block.NONE;
        signed = false;
    }

    private boolean signed;

    private void delta(String type, String field, String value, StringBuilder out) {
        if ("signature_delta".equals(type)) {
            signed = true;
        }
        ObjectNode d = GeminiParts.JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        d.putObject("delta").put("type", type).put(field, value);
        out.append(SseEvents.named("content_block_delta", d));
    }
}
