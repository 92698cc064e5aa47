package org.geminipool.gateway.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.Signatures;

/** Gemini answer → OpenAI Response object. Pure. */
public final class ResponsesAnswer {

    private ResponsesAnswer() {
    }

    /** The Response object before any output ({@code status: in_progress}), echoing the request's settings. */
    public static ObjectNode shell(ObjectNode request, String id, String model, long createdAt) {
        ObjectNode r = GeminiParts.JSON.createObjectNode();
        r.put("id", id).put("object", "response").put("created_at", createdAt).put("status", "in_progress");
        r.put("background", false).putNull("error").putNull("incomplete_details");
        copy(request, r, "instructions");
        copy(request, r, "max_output_tokens");
        r.put("model", model);
        r.putArray("output");
        r.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        copy(request, r, "previous_response_id");
        ObjectNode reasoning = r.putObject("reasoning");
        reasoning.set("effort", request.path("reasoning").path("effort").isTextual()
                ? request.get("reasoning").get("effort") : GeminiParts.JSON.nullNode());
        reasoning.set("summary", request.path("reasoning").path("summary").isTextual()
                ? request.get("reasoning").get("summary") : GeminiParts.JSON.nullNode());
        r.put("store", ResponsesRequest.store(request));
        copy(request, r, "temperature");
        ObjectNode text = r.putObject("text");
        text.set("format", request.path("text").path("format").isObject() ? request.get("text").get("format")
                : GeminiParts.JSON.createObjectNode().put("type", "text"));
        r.set("tool_choice", request.has("tool_choice") ? request.get("tool_choice") : com.fasterxml.jackson.databind.node.TextNode.valueOf("auto"));
        r.set("tools", request.path("tools").isArray() ? request.get("tools") : GeminiParts.JSON.createArrayNode());
        copy(request, r, "top_p");
        r.put("truncation", "disabled");
        r.putNull("usage");
        r.set("metadata", request.path("metadata").isObject() ? request.get("metadata") : GeminiParts.JSON.createObjectNode());
        return r;
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        to.set(field, from.has(field) ? from.get(field) : GeminiParts.JSON.nullNode());
    }

    /** Fills {@code shell} from a whole GenerateContentResponse. */
    public static ObjectNode complete(ObjectNode shell, JsonNode gemini) {
        ArrayNode output = shell.putArray("output");
        ObjectNode reasoning = null;
        ObjectNode message = null;
        for (JsonNode p : GeminiParts.parts(gemini)) {
            if (p.path("thought").asBoolean(false) && p.path("text").isTextual()) {
                if (reasoning == null) {
                    reasoning = reasoningItem();
                    output.add(reasoning);
                }
                ((ArrayNode) reasoning.get("summary")).addObject().put("type", "summary_text")
                        .put("text", p.get("text").asText());
            } else if (p.has("functionCall")) {
                output.add(functionCall(p, "completed"));
                message = null;
            } else if (p.path("text").isTextual() && !p.get("text").asText().isEmpty()) {
                if (message == null) {
                    message = messageItem("completed");
                    ((ArrayNode) message.get("content")).add(outputText(""));
                    output.add(message);
                }
                ObjectNode part = (ObjectNode) message.get("content").get(0);
                part.put("text", part.get("text").asText() + p.get("text").asText());
            }
        }
        finish(shell, GeminiParts.finishReason(gemini), gemini.path("usageMetadata"));
        return shell;
    }

    /** Status, incomplete_details and usage from the finish reason and usageMetadata. */
    static void finish(ObjectNode shell, String finishReason, JsonNode um) {
        if ("MAX_TOKENS".equals(finishReason)) {
            shell.put("status", "incomplete");
            shell.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else if (finishReason != null && finishReason.matches("SAFETY|RECITATION|BLOCKLIST|PROHIBITED_CONTENT|SPII")) {
            shell.put("status", "incomplete");
            shell.putObject("incomplete_details").put("reason", "content_filter");
        } else {
            shell.put("status", "completed");
        }
        shell.set("usage", usage(um));
    }

    public static ObjectNode usage(JsonNode um) {
        ObjectNode u = GeminiParts.JSON.createObjectNode();
        long in = GeminiParts.count(um, "promptTokenCount");
        long out = GeminiParts.count(um, "candidatesTokenCount");
        long thoughts = GeminiParts.count(um, "thoughtsTokenCount");
        u.put("input_tokens", in);
        u.putObject("input_tokens_details").put("cached_tokens", GeminiParts.count(um, "cachedContentTokenCount"));
        u.put("output_tokens", out + thoughts);
        u.putObject("output_tokens_details").put("reasoning_tokens", thoughts);
        u.put("total_tokens", in + out + thoughts);
        return u;
    }

    static ObjectNode reasoningItem() {
        ObjectNode r = GeminiParts.JSON.createObjectNode();
        r.put("type", "reasoning").put("id", Signatures.randomId("rs_"));
        r.putArray("summary");
        return r;
    }

    static ObjectNode messageItem(String status) {
        ObjectNode m = GeminiParts.JSON.createObjectNode();
        m.put("type", "message").put("id", Signatures.randomId("msg_")).put("status", status).put("role", "assistant");
        m.putArray("content");
        return m;
    }

    static ObjectNode outputText(String text) {
        ObjectNode t = GeminiParts.JSON.createObjectNode();
        t.put("type", "output_text").put("text", text);
        t.putArray("annotations");
        t.putArray("logprobs");
        return t;
    }

    /** A function_call item; the call's thought signature travels in its call_id. */
    static ObjectNode functionCall(JsonNode part, String status) {
        JsonNode fc = part.get("functionCall");
        ObjectNode f = GeminiParts.JSON.createObjectNode();
        JsonNode args = fc.get("args");
        f.put("type", "function_call").put("id", Signatures.randomId("fc_"))
                .put("call_id", Signatures.idWith("call_", GeminiParts.signature(part)))
                .put("name", fc.path("name").asText("")).put("arguments", args == null || args.isNull() ? "{}" : args.toString())
                .put("status", status);
        return f;
    }

    /** The model content of this turn, as Gemini wants it back in the next turn's history. */
    public static ObjectNode modelContent(JsonNode gemini) {
        ObjectNode c = GeminiParts.JSON.createObjectNode().put("role", "model");
        ArrayNode parts = c.putArray("parts");
        for (JsonNode p : GeminiParts.parts(gemini)) {
            if (!p.path("thought").asBoolean(false)) {
                parts.add(p);
            } else if (GeminiParts.signature(p) != null) {
                parts.addObject().put("text", "").put("thoughtSignature", GeminiParts.signature(p));
            }
        }
        return c;
    }
}
