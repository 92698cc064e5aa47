package org.geminipool.gateway.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.SseEvents;

/**
 * Google's SSE stream → the Responses event sequence: {@code response.created}, {@code response.in_progress}; per
 * item {@code response.output_item.added}, for a message {@code response.content_part.added},
 * {@code response.output_text.delta}…, {@code response.output_text.done}, {@code response.content_part.done}; for
 * reasoning {@code response.reasoning_summary_part.added}, {@code response.reasoning_summary_text.delta/done},
 * {@code response.reasoning_summary_part.done}; for a function call
 * {@code response.function_call_arguments.delta/done}; then {@code response.output_item.done}; finally
 * {@code response.completed} (or {@code response.incomplete}) with usage. Every event carries a
 * {@code sequence_number}. Stateful, one per stream; pure. Also collects the model's content for the stored history.
 */
public final class ResponsesStream {

    private enum Open { NONE, MESSAGE, REASONING }

    private final ObjectNode response;
    private final SseEvents events = new SseEvents();
    private final ObjectNode modelContent = GeminiParts.JSON.createObjectNode().put("role", "model");
    private final ArrayNode modelParts = modelContent.putArray("parts");
    private int sequence;
    private boolean started;
    private boolean ended;
    private Open open = Open.NONE;
    private ObjectNode item;
    private final StringBuilder text = new StringBuilder();
    private String finish;
    private JsonNode usage = GeminiParts.JSON.createObjectNode();
    private boolean failed;

    /** {@code shell}: {@link ResponsesAnswer#shell}, filled as the stream goes; the final object when it ends. */
    public ResponsesStream(ObjectNode shell) {
        this.response = shell;
    }

    public String feed(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (JsonNode chunk : events.feed(bytes)) {
            onChunk(chunk, out);
        }
        return out.toString();
    }

    /** The closing events; afterwards {@link #response()} is the completed Response. */
    public String end() {
        StringBuilder out = new StringBuilder();
        for (JsonNode chunk : events.end()) {
            onChunk(chunk, out);
        }
        if (ended) {
            return out.toString();
        }
        start(out);
        close(out);
        ended = true;
        ResponsesAnswer.finish(response, finish, usage);
        String type = "incomplete".equals(response.path("status").asText()) ? "response.incomplete" : "response.completed";
        out.append(event(type, GeminiParts.JSON.createObjectNode().set("response", response)));
        return out.toString();
    }

    public String error(int status, String message) {
        StringBuilder out = new StringBuilder();
        start(out);
        ended = true;
        failed = true;
        ObjectNode e = GeminiParts.JSON.createObjectNode();
        e.put("code", status == 429 ? "rate_limit_exceeded" : "server_error").put("message", message).putNull("param");
        out.append(event("error", e.deepCopy()));
        response.put("status", "failed");
        response.putObject("error").put("code", e.get("code").asText()).put("message", message);
        out.append(event("response.failed", GeminiParts.JSON.createObjectNode().set("response", response)));
        return out.toString();
    }

    public ObjectNode response() {
        return response;
    }

    /** This turn's model content (thought summaries left out, signatures kept), for the stored history. */
    public ObjectNode modelContent() {
        return modelContent;
    }

    public boolean failed() {
        return failed;
    }

    private void start(StringBuilder out) {
        if (started) {
            return;
        }
        started = true;
        out.append(event("response.created", GeminiParts.JSON.createObjectNode().set("response", response.deepCopy())));
        out.append(event("response.in_progress", GeminiParts.JSON.createObjectNode().set("response", response.deepCopy())));
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
        start(out);
        if (chunk.path("usageMetadata").isObject()) {
            usage = chunk.get("usageMetadata");
        }
        String f = GeminiParts.finishReason(chunk);
        if (f != null) {
            finish = f;
        }
        for (JsonNode part : GeminiParts.parts(chunk)) {
            String signature = GeminiParts.signature(part);
            if (part.has("functionCall")) {
                close(out);
                modelParts.add(part);
                ObjectNode call = ResponsesAnswer.functionCall(part, "in_progress");
                String args = call.get("arguments").asText();
                int index = outputIndex();
                ObjectNode added = call.deepCopy().put("arguments", "");
                out.append(event("response.output_item.added", GeminiParts.JSON.createObjectNode()
                        .put("output_index", index).set("item", added)));
                out.append(event("response.function_call_arguments.delta", GeminiParts.JSON.createObjectNode()
                        .put("item_id", call.get("id").asText()).put("output_index", index).put("delta", args)));
                out.append(event("response.function_call_arguments.done", GeminiParts.JSON.createObjectNode()
                        .put("item_id", call.get("id").asText()).put("output_index", index)
                        .put("name", call.get("name").asText()).put("arguments", args)));
                call.put("status", "completed");
                out.append(event("response.output_item.done", GeminiParts.JSON.createObjectNode()
                        .put("output_index", index).set("item", call)));
                ((ArrayNode) response.get("output")).add(call);
            } else if (part.path("thought").asBoolean(false) && part.path("text").isTextual()) {
                if (signature != null) {
                    modelParts.addObject().put("text", "").put("thoughtSignature", signature);
                }
                openItem(Open.REASONING, out);
                delta("response.reasoning_summary_text.delta", part.get("text").asText(), out);
            } else if (part.path("text").isTextual()) {
                addModelText(part);
                if (!part.get("text").asText().isEmpty()) {
                    openItem(Open.MESSAGE, out);
                    delta("response.output_text.delta", part.get("text").asText(), out);
                }
            }
        }
    }

    /** Text parts are merged for the history; a part carrying a signature keeps it. */
    private void addModelText(JsonNode part) {
        JsonNode last = modelParts.isEmpty() ? null : modelParts.get(modelParts.size() - 1);
        if (last != null && last.has("text") && !last.has("functionCall")) {
            ObjectNode l = (ObjectNode) last;
            l.put("text", l.get("text").asText() + part.get("text").asText());
            if (GeminiParts.signature(part) != null) {
                l.put("thoughtSignature", GeminiParts.signature(part));
            }
        } else {
            modelParts.add(part.deepCopy());
        }
    }

    private int outputIndex() {
        return response.get("output").size();
    }

    private void openItem(Open kind, StringBuilder out) {
        if (open == kind) {
            return;
        }
        close(out);
        open = kind;
        text.setLength(0);
        int index = outputIndex();
        if (kind == Open.MESSAGE) {
            item = ResponsesAnswer.messageItem("in_progress");
            out.append(event("response.output_item.added", GeminiParts.JSON.createObjectNode()
                    .put("output_index", index).set("item", item.deepCopy())));
            out.append(event("response.content_part.added", ids(index).put("content_index", 0)
                    .set("part", ResponsesAnswer.outputText(""))));
        } else {
            item = ResponsesAnswer.reasoningItem();
            out.append(event("response.output_item.added", GeminiParts.JSON.createObjectNode()
                    .put("output_index", index).set("item", item.deepCopy())));
            ObjectNode part = GeminiParts.JSON.createObjectNode().put("type", "summary_text").put("text", "");
            out.append(event("response.reasoning_summary_part.added", ids(index).put("summary_index", 0)
                    .set("part", part)));
        }
    }

    private ObjectNode ids(int index) {
        return GeminiParts.JSON.createObjectNode().put("item_id", item.get("id").asText()).put("output_index", index);
    }

    private void delta(String type, String delta, StringBuilder out) {
        text.append(delta);
        ObjectNode d = ids(outputIndex());
        if (open == Open.MESSAGE) {
            d.put("content_index", 0).put("delta", delta).putArray("logprobs");
        } else {
            d.put("summary_index", 0).put("delta", delta);
        }
        out.append(event(type, d));
    }

    private void close(StringBuilder out) {
        if (open == Open.NONE) {
            return;
        }
        int index = outputIndex();
        if (open == Open.MESSAGE) {
            ObjectNode part = ResponsesAnswer.outputText(text.toString());
            out.append(event("response.output_text.done", ids(index).put("content_index", 0)
                    .put("text", text.toString()).set("logprobs", GeminiParts.JSON.createArrayNode())));
            out.append(event("response.content_part.done", ids(index).put("content_index", 0).set("part", part)));
            ((ArrayNode) item.get("content")).add(part);
            item.put("status", "completed");
        } else {
            ObjectNode part = GeminiParts.JSON.createObjectNode().put("type", "summary_text").put("text", text.toString());
            out.append(event("response.reasoning_summary_text.done", ids(index).put("summary_index", 0)
                    .put("text", text.toString())));
            out.append(event("response.reasoning_summary_part.done", ids(index).put("summary_index", 0).set("part", part)));
            ((ArrayNode) item.get("summary")).add(part);
        }
        out.append(event("response.output_item.done", GeminiParts.JSON.createObjectNode()
                .put("output_index", index).set("item", item)));
        ((ArrayNode) response.get("output")).add(item);
        open = Open.NONE;
        item = null;
    }

    private String event(String type, ObjectNode data) {
        ObjectNode e = GeminiParts.JSON.createObjectNode().put("type", type);
        e.setAll(data);
        e.put("sequence_number", sequence++);
        return SseEvents.named(type, e);
    }
}
