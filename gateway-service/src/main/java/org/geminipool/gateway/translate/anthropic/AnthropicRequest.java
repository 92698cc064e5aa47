package org.geminipool.gateway.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.Signatures;
import org.geminipool.gateway.translate.TranslationException;

import java.util.HashMap;
import java.util.Map;

/**
 * Anthropic Messages request → Gemini GenerateContentRequest (table in gateway-service/README.md, "Anthropic
 * Messages"). Pure: no I/O. Thought signatures come back from {@code tool_use.id} (see {@link Signatures}) or from a
 * {@code thinking} block's {@code signature}.
 */
public final class AnthropicRequest {

    /** Gemini accepts at most 5 stop sequences. */
    static final int MAX_STOP_SEQUENCES = 5;

    private AnthropicRequest() {
    }

    /** The client's model name (routing), required. */
    public static String model(ObjectNode body) {
        JsonNode m = body.get("model");
        if (m == null || !m.isTextual() || m.asText().isBlank()) {
            throw new TranslationException("model: Field required");
        }
        return m.asText();
    }

    public static boolean stream(ObjectNode body) {
        JsonNode s = body.get("stream");
        if (s != null && !s.isNull() && !s.isBoolean()) {
            throw new TranslationException("stream: Input should be a valid boolean");
        }
        return s != null && s.asBoolean(false);
    }

    /** {@code POST /v1/messages}: the GenerateContentRequest. {@code countOnly} skips generation-only checks. */
    public static ObjectNode toGemini(ObjectNode body, boolean countOnly) {
        ObjectNode out = GeminiParts.JSON.createObjectNode();
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new TranslationException("messages: Field required (a non-empty list)");
        }
        if (!countOnly) {
            JsonNode max = body.get("max_tokens");
            if (max == null || !max.canConvertToInt() || max.asInt() < 1) {
                throw new TranslationException("max_tokens: Field required (a positive integer)");
            }
        }
        JsonNode system = body.get("system");
        if (system != null && !system.isNull()) {
            ArrayNode parts = GeminiParts.JSON.createArrayNode();
            if (system.isTextual()) {
                if (!system.asText().isEmpty()) {
                    parts.addObject().put("text", system.asText());
                }
            } else if (system.isArray()) {
                for (JsonNode b : system) {
                    if (!"text".equals(b.path("type").asText()) || !b.path("text").isTextual()) {
                        throw new TranslationException("system: only text blocks are allowed");
                    }
                    parts.addObject().put("text", b.get("text").asText());
                }
            } else {
                throw new TranslationException("system: a string or a list of text blocks");
            }
            if (!parts.isEmpty()) {
                out.putObject("systemInstruction").set("parts", parts);
            }
        }
        Map<String, String> toolNames = new HashMap<>();
        ArrayNode contents = out.putArray("contents");
        int i = 0;
        for (JsonNode m : messages) {
            String where = "messages." + i++;
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw new TranslationException(where + ".role: Input should be 'user' or 'assistant'");
            }
            ArrayNode parts = GeminiParts.JSON.createArrayNode();
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                parts.addObject().put("text", content.asText());
            } else if (content != null && content.isArray()) {
                String pendingSignature = null;
                for (JsonNode block : content) {
                    String type = block.path("type").asText("");
                    switch (type) {
                        case "text" -> {
                            ObjectNode p = parts.addObject().put("text", block.path("text").asText(""));
                            pendingSignature = attach(p, pendingSignature, role);
                        }
                        case "image", "document" -> parts.add(source(block.path("source"), where));
                        case "tool_use" -> {
                            String id = block.path("id").asText("");
                            String name = block.path("name").asText("");
                            if (name.isEmpty()) {
                                throw new TranslationException(where + ": tool_use.name is required");
                            }
                            toolNames.put(id, name);
                            ObjectNode p = parts.addObject();
                            ObjectNode fc = p.putObject("functionCall").put("name", name);
                            JsonNode input = block.get("input");
                            fc.set("args", input != null && input.isObject() ? input : GeminiParts.JSON.createObjectNode());
                            String sig = pendingSignature == null || Signatures.of(id) != null
                                    ? Signatures.forCall(id) : null;
                            if (sig != null) {
                                p.put("thoughtSignature", sig);
                                pendingSignature = null;
                            } else {
                                pendingSignature = attach(p, pendingSignature, role);
                            }
                        }
                        case "tool_result" -> toolResult(block, toolNames, parts, where);
                        case "thinking" -> {
                            // A thought summary is not sent back (Google ignores it); its signature is, on the next part.
                            String sig = block.path("signature").asText("");
                            if (!sig.isEmpty() && !sig.startsWith(AnthropicAnswer.NO_SIGNATURE)) {
                                pendingSignature = sig;
                            }
                        }
                        case "redacted_thinking", "server_tool_use", "web_search_tool_result" -> {
                        }
                        default -> throw new TranslationException(where + ".content: unsupported block type '" + type + "'");
                    }
                }
            } else {
                throw new TranslationException(where + ".content: a string or a list of content blocks");
            }
            if (parts.isEmpty()) {
                continue; // e.g. an assistant turn that held only thinking: Gemini refuses empty parts
            }
            ObjectNode c = contents.addObject().put("role", role.equals("assistant") ? "model" : "user");
            c.set("parts", parts);
        }
        if (contents.isEmpty()) {
            throw new TranslationException("messages: no content to send");
        }
        tools(body, out);
        if (!countOnly) {
            generationConfig(body, out);
        }
        return out;
    }

    /** Puts a pending thinking signature on a model part, once. */
    private static String attach(ObjectNode part, String signature, String role) {
        if (signature != null && role.equals("assistant")) {
            part.put("thoughtSignature", signature);
        }
        return null;
    }

    private static ObjectNode source(JsonNode source, String where) {
        String type = source.path("type").asText("");
        switch (type) {
            case "base64" -> {
                ObjectNode p = GeminiParts.JSON.createObjectNode();
                p.putObject("inlineData").put("mimeType", source.path("media_type").asText("application/octet-stream"))
                        .put("data", source.path("data").asText(""));
                return p;
            }
            case "url" -> {
                return GeminiParts.mediaPart(source.path("url").asText(""), null);
            }
            case "text" -> {
                ObjectNode p = GeminiParts.JSON.createObjectNode();
                p.put("text", source.path("data").asText(""));
                return p;
            }
            default -> throw new TranslationException(where + ": image/document source type must be base64, url or text");
        }
    }

    private static void toolResult(JsonNode block, Map<String, String> toolNames, ArrayNode parts, String where) {
        String id = block.path("tool_use_id").asText("");
        String name = toolNames.get(id);
        if (name == null) {
            throw new TranslationException(where + ": tool_result.tool_use_id '" + id
                    + "' matches no tool_use block of an earlier assistant message");
        }
        StringBuilder text = new StringBuilder();
        ArrayNode media = GeminiParts.JSON.createArrayNode();
        JsonNode content = block.get("content");
        if (content != null && content.isTextual()) {
            text.append(content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode c : content) {
                if ("text".equals(c.path("type").asText())) {
                    if (text.length() > 0) {
                        text.append('\n');
                    }
                    text.append(c.path("text").asText(""));
                } else if ("image".equals(c.path("type").asText()) || "document".equals(c.path("type").asText())) {
                    media.add(source(c.path("source"), where));
                }
            }
        }
        ObjectNode fr = parts.addObject().putObject("functionResponse").put("name", name);
        ObjectNode response = fr.putObject("response");
        if (block.path("is_error").asBoolean(false)) {
            response.put("error", text.toString());
        } else {
            response.put("result", text.toString());
        }
        parts.addAll(media);
    }

    private static void tools(ObjectNode body, ObjectNode out) {
        JsonNode tools = body.get("tools");
        ArrayNode declarations = GeminiParts.JSON.createArrayNode();
        boolean search = false;
        if (tools != null && tools.isArray()) {
            for (JsonNode t : tools) {
                String type = t.path("type").asText("custom");
                if (type.startsWith("web_search")) {
                    search = true;
                    continue;
                }
                if (!t.has("input_schema") && !type.equals("custom")) {
                    continue; // Anthropic-defined tools (bash, text_editor, computer) have no Gemini counterpart
                }
                String name = t.path("name").asText("");
                if (name.isEmpty()) {
                    throw new TranslationException("tools: every tool needs a name");
                }
                ObjectNode d = declarations.addObject().put("name", name);
                if (t.path("description").isTextual()) {
                    d.put("description", t.get("description").asText());
                }
                JsonNode schema = t.get("input_schema");
                if (schema != null && schema.isObject()) {
                    d.set("parametersJsonSchema", schema);
                }
            }
        }
        ArrayNode list = GeminiParts.JSON.createArrayNode();
        if (!declarations.isEmpty()) {
            list.addObject().set("functionDeclarations", declarations);
        }
        if (search) {
            list.addObject().putObject("googleSearch");
        }
        if (!list.isEmpty()) {
            out.set("tools", list);
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isObject() && !declarations.isEmpty()) {
            ObjectNode fcc = GeminiParts.JSON.createObjectNode();
            switch (choice.path("type").asText("auto")) {
                case "any" -> fcc.put("mode", "ANY");
                case "none" -> fcc.put("mode", "NONE");
                case "tool" -> {
                    fcc.put("mode", "ANY");
                    fcc.putArray("allowedFunctionNames").add(choice.path("name").asText(""));
                }
                default -> fcc.put("mode", "AUTO");
            }
            out.putObject("toolConfig").set("functionCallingConfig", fcc);
        }
    }

    private static void generationConfig(ObjectNode body, ObjectNode out) {
        ObjectNode gc = GeminiParts.JSON.createObjectNode();
        gc.put("maxOutputTokens", body.get("max_tokens").asInt());
        if (body.path("temperature").isNumber()) {
            gc.put("temperature", body.get("temperature").asDouble());
        }
        if (body.path("top_p").isNumber()) {
            gc.put("topP", body.get("top_p").asDouble());
        }
        if (body.path("top_k").isNumber()) {
            gc.put("topK", body.get("top_k").asInt());
        }
        JsonNode stops = body.get("stop_sequences");
        if (stops != null && stops.isArray() && !stops.isEmpty()) {
            ArrayNode s = gc.putArray("stopSequences");
            for (JsonNode x : stops) {
                if (s.size() < MAX_STOP_SEQUENCES && x.isTextual()) {
                    s.add(x.asText());
                }
            }
        }
        JsonNode thinking = body.get("thinking");
        if (thinking != null && thinking.isObject()) {
            String type = thinking.path("type").asText("");
            if (type.equals("enabled") || type.equals("adaptive")) {
                ObjectNode tc = gc.putObject("thinkingConfig").put("includeThoughts", true);
                if (thinking.path("budget_tokens").canConvertToInt() && thinking.get("budget_tokens").asInt() > 0) {
                    tc.put("thinkingBudget", thinking.get("budget_tokens").asInt());
                }
            }
        }
        out.set("generationConfig", gc);
    }
}
