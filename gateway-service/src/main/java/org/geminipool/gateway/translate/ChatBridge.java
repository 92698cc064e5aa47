package org.geminipool.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The doors' way to OpenRouter, which speaks OpenAI chat only: a translated GenerateContentRequest → a chat completion
 * request, and the chat answer (whole or streamed) → Gemini's answer shape, so the door's own translation back to its
 * protocol is the same whichever upstream answered. Pure. Not carried over: Google Search grounding (googleSearch is
 * dropped), thinking settings, thought signatures (OpenRouter has none to keep).
 */
public final class ChatBridge {

    private ChatBridge() {
    }

    public static ObjectNode request(JsonNode gemini, String model, boolean stream) {
        ObjectNode out = GeminiParts.JSON.createObjectNode().put("model", model);
        ArrayNode messages = out.putArray("messages");
        StringBuilder system = new StringBuilder();
        for (JsonNode p : gemini.path("systemInstruction").path("parts")) {
            if (p.path("text").isTextual()) {
                system.append(system.length() == 0 ? "" : "\n").append(p.get("text").asText());
            }
        }
        if (system.length() > 0) {
            messages.addObject().put("role", "system").put("content", system.toString());
        }
        Map<String, Deque<String>> openCalls = new HashMap<>();
        int callNumber = 0;
        for (JsonNode c : gemini.path("contents")) {
            boolean model_ = "model".equals(c.path("role").asText());
            ArrayNode content = GeminiParts.JSON.createArrayNode();
            ArrayNode toolCalls = GeminiParts.JSON.createArrayNode();
            for (JsonNode p : c.path("parts")) {
                if (p.path("thought").asBoolean(false)) {
                    continue;
                }
                if (p.path("text").isTextual() && !p.get("text").asText().isEmpty()) {
                    content.addObject().put("type", "text").put("text", p.get("text").asText());
                } else if (p.has("inlineData")) {
                    JsonNode d = p.get("inlineData");
                    content.addObject().put("type", "image_url").putObject("image_url").put("url",
                            "data:" + d.path("mimeType").asText() + ";base64," + d.path("data").asText());
                } else if (p.has("fileData")) {
                    content.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", p.get("fileData").path("fileUri").asText());
                } else if (p.has("functionCall")) {
                    String id = "call_" + (++callNumber);
                    String name = p.get("functionCall").path("name").asText();
                    openCalls.computeIfAbsent(name, k -> new ArrayDeque<>()).add(id);
                    ObjectNode tc = toolCalls.addObject().put("id", id).put("type", "function");
                    tc.putObject("function").put("name", name).put("arguments",
                            p.get("functionCall").path("args").isObject() ? p.get("functionCall").get("args").toString() : "{}");
                } else if (p.has("functionResponse")) {
                    String name = p.get("functionResponse").path("name").asText();
                    Deque<String> ids = openCalls.get(name);
                    String id = ids == null || ids.isEmpty() ? "call_" + (++callNumber) : ids.poll();
                    JsonNode r = p.get("functionResponse").path("response");
                    String text = r.size() == 1 && r.elements().next().isTextual() ? r.elements().next().asText() : r.toString();
                    messages.addObject().put("role", "tool").put("tool_call_id", id).put("content", text);
                }
            }
            if (content.isEmpty() && toolCalls.isEmpty()) {
                continue;
            }
            ObjectNode m = messages.addObject().put("role", model_ ? "assistant" : "user");
            if (content.size() == 1 && content.get(0).has("text")) {
                m.put("content", content.get(0).get("text").asText());
            } else if (content.isEmpty()) {
                m.putNull("content");
            } else {
                m.set("content", content);
            }
            if (!toolCalls.isEmpty()) {
                m.set("tool_calls", toolCalls);
            }
        }
        ArrayNode tools = GeminiParts.JSON.createArrayNode();
        for (JsonNode t : gemini.path("tools")) {
            for (JsonNode d : t.path("functionDeclarations")) {
                ObjectNode f = tools.addObject().put("type", "function").putObject("function")
                        .put("name", d.path("name").asText());
                if (d.has("description")) {
                    f.set("description", d.get("description"));
                }
                f.set("parameters", d.has("parametersJsonSchema") ? d.get("parametersJsonSchema")
                        : GeminiParts.JSON.createObjectNode().put("type", "object"));
            }
        }
        if (!tools.isEmpty()) {
            out.set("tools", tools);
            JsonNode fcc = gemini.path("toolConfig").path("functionCallingConfig");
            switch (fcc.path("mode").asText("AUTO")) {
                case "NONE" -> out.put("tool_choice", "none");
                case "ANY" -> {
                    if (fcc.path("allowedFunctionNames").size() == 1) {
                        out.putObject("tool_choice").put("type", "function").putObject("function")
                                .put("name", fcc.get("allowedFunctionNames").get(0).asText());
                    } else {
                        out.put("tool_choice", "required");
                    }
                }
                default -> {
                }
            }
        }
        JsonNode gc = gemini.path("generationConfig");
        if (gc.has("maxOutputTokens")) {
            out.put("max_tokens", gc.get("maxOutputTokens").asInt());
        }
        if (gc.has("temperature")) {
            out.set("temperature", gc.get("temperature"));
        }
        if (gc.has("topP")) {
            out.set("top_p", gc.get("topP"));
        }
        if (gc.path("stopSequences").isArray()) {
            out.set("stop", gc.get("stopSequences"));
        }
        if (gc.has("responseJsonSchema")) {
            ObjectNode rf = out.putObject("response_format").put("type", "json_schema");
            rf.putObject("json_schema").put("name", "response").set("schema", gc.get("responseJsonSchema"));
        } else if ("application/json".equals(gc.path("responseMimeType").asText())) {
            out.putObject("response_format").put("type", "json_object");
        }
        if (stream) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        return out;
    }

    /** A whole chat completion → a GenerateContentResponse. */
    public static ObjectNode answer(JsonNode chat) {
        JsonNode choice = chat.path("choices").path(0);
        ObjectNode out = GeminiParts.JSON.createObjectNode();
        ArrayNode parts = GeminiParts.JSON.createArrayNode();
        JsonNode msg = choice.path("message");
        if (msg.path("reasoning").isTextual() && !msg.get("reasoning").asText().isEmpty()) {
            parts.addObject().put("text", msg.get("reasoning").asText()).put("thought", true);
        }
        if (msg.path("content").isTextual() && !msg.get("content").asText().isEmpty()) {
            parts.addObject().put("text", msg.get("content").asText());
        }
        for (JsonNode tc : msg.path("tool_calls")) {
            parts.add(call(tc.path("function").path("name").asText(), tc.path("function").path("arguments").asText("")));
        }
        candidate(out, parts, finish(choice.path("finish_reason").asText(null)));
        if (chat.path("usage").isObject()) {
            out.set("usageMetadata", usage(chat.get("usage")));
        }
        if (chat.path("id").isTextual()) {
            out.put("responseId", chat.get("id").asText());
        }
        return out;
    }

    private static ObjectNode call(String name, String arguments) {
        ObjectNode p = GeminiParts.JSON.createObjectNode();
        JsonNode args;
        try {
            args = GeminiParts.argumentsObject(GeminiParts.JSON.getNodeFactory().textNode(arguments));
        } catch (TranslationException e) {
            args = GeminiParts.JSON.createObjectNode();
        }
        p.putObject("functionCall").put("name", name).set("args", args);
        return p;
    }

    private static void candidate(ObjectNode out, ArrayNode parts, String finish) {
        ObjectNode cand = out.putArray("candidates").addObject();
        ObjectNode content = cand.putObject("content").put("role", "model");
        content.set("parts", parts);
        if (finish != null) {
            cand.put("finishReason", finish);
        }
    }

    private static String finish(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "length" -> "MAX_TOKENS";
            case "content_filter" -> "SAFETY";
            default -> "STOP";
        };
    }

    private static ObjectNode usage(JsonNode u) {
        long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        ObjectNode um = GeminiParts.JSON.createObjectNode();
        um.put("promptTokenCount", u.path("prompt_tokens").asLong(0));
        um.put("candidatesTokenCount", Math.max(0, u.path("completion_tokens").asLong(0) - reasoning));
        if (reasoning > 0) {
            um.put("thoughtsTokenCount", reasoning);
        }
        um.put("totalTokenCount", u.path("total_tokens").asLong(0));
        return um;
    }

    /** A streamed chat answer → Google's SSE chunks; tool-call fragments are joined and sent when complete. */
    public static final class Stream {

        private final SseEvents events = new SseEvents();
        private final Map<Integer, String[]> calls = new TreeMap<>();
        private boolean done;

        public byte[] feed(byte[] bytes) {
            StringBuilder out = new StringBuilder();
            for (JsonNode chunk : events.feed(bytes)) {
                onChunk(chunk, out);
            }
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        public byte[] end() {
            StringBuilder out = new StringBuilder();
            for (JsonNode chunk : events.end()) {
                onChunk(chunk, out);
            }
            flushCalls(out, "STOP");
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        private void onChunk(JsonNode chunk, StringBuilder out) {
            if (chunk.has("error")) {
                out.append("data: ").append(chunk).append("\n\n");
                return;
            }
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            ArrayNode parts = GeminiParts.JSON.createArrayNode();
            if (delta.path("reasoning").isTextual() && !delta.get("reasoning").asText().isEmpty()) {
                parts.addObject().put("text", delta.get("reasoning").asText()).put("thought", true);
            }
            if (delta.path("content").isTextual() && !delta.get("content").asText().isEmpty()) {
                parts.addObject().put("text", delta.get("content").asText());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                String[] c = calls.computeIfAbsent(tc.path("index").asInt(calls.size()), k -> new String[] {"", ""});
                if (tc.path("function").path("name").isTextual()) {
                    c[0] += tc.get("function").get("name").asText();
                }
                if (tc.path("function").path("arguments").isTextual()) {
                    c[1] += tc.get("function").get("arguments").asText();
                }
            }
            if (!parts.isEmpty()) {
                ObjectNode g = GeminiParts.JSON.createObjectNode();
                candidate(g, parts, null);
                out.append("data: ").append(g).append("\n\n");
            }
            String finish = finish(choice.path("finish_reason").asText(null));
            if (finish != null) {
                flushCalls(out, finish);
            }
            if (chunk.path("usage").isObject()) {
                ObjectNode g = GeminiParts.JSON.createObjectNode();
                g.set("usageMetadata", usage(chunk.get("usage")));
                out.append("data: ").append(g).append("\n\n");
            }
        }

        private void flushCalls(StringBuilder out, String finish) {
            if (done) {
                return;
            }
            done = true;
            ArrayNode parts = GeminiParts.JSON.createArrayNode();
            for (String[] c : calls.values()) {
                parts.add(call(c[0], c[1]));
            }
            ObjectNode g = GeminiParts.JSON.createObjectNode();
            candidate(g, parts, finish);
            out.append("data: ").append(g).append("\n\n");
        }
    }
}
