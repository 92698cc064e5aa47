package org.geminipool.gateway.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.translate.GeminiParts;
import org.geminipool.gateway.translate.Signatures;
import org.geminipool.gateway.translate.TranslationException;

import java.util.HashMap;
import java.util.Map;

/**
 * OpenAI Responses request → Gemini GenerateContentRequest (table in gateway-service/README.md, "OpenAI Responses").
 * Pure. With {@code previous_response_id} the caller passes the stored conversation: its Gemini contents come first
 * (instructions are not carried over, as OpenAI documents), and its function calls name the outputs that follow.
 */
public final class ResponsesRequest {

    /** reasoning.effort → thinkingBudget (Google's own mapping of OpenAI's efforts). */
    static int budget(String effort) {
        return switch (effort) {
            case "none" -> 0;
            case "minimal" -> 512;
            case "low" -> 1024;
            case "medium" -> 8192;
            case "high", "xhigh" -> 24576;
            default -> throw new TranslationException("reasoning.effort must be none, minimal, low, medium or high");
        };
    }

    private ResponsesRequest() {
    }

    public static String model(ObjectNode body) {
        JsonNode m = body.get("model");
        if (m == null || !m.isTextual() || m.asText().isBlank()) {
            throw new TranslationException("model is required (a string)");
        }
        return m.asText();
    }

    public static boolean stream(ObjectNode body) {
        JsonNode s = body.get("stream");
        if (s != null && !s.isNull() && !s.isBoolean()) {
            throw new TranslationException("stream must be a boolean");
        }
        return s != null && s.asBoolean(false);
    }

    /** {@code store} defaults to true, as at OpenAI. */
    public static boolean store(ObjectNode body) {
        JsonNode s = body.get("store");
        return s == null || s.isNull() || s.asBoolean(true);
    }

    public static String previousResponseId(ObjectNode body) {
        JsonNode p = body.get("previous_response_id");
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.isTextual() || !p.asText().matches("[A-Za-z0-9_-]{1,100}")) {
            throw new TranslationException("previous_response_id is not a response id");
        }
        return p.asText();
    }

    /**
     * @param previousContents the stored Gemini contents of the chain (null without previous_response_id)
     * @param previousOutput   the stored response's {@code output} items (function calls named there), or null
     */
    public static ObjectNode toGemini(ObjectNode body, JsonNode previousContents, JsonNode previousOutput) {
        ObjectNode out = GeminiParts.JSON.createObjectNode();
        ArrayNode system = GeminiParts.JSON.createArrayNode();
        if (body.path("instructions").isTextual() && !body.get("instructions").asText().isEmpty()) {
            system.addObject().put("text", body.get("instructions").asText());
        }
        Map<String, String> callNames = new HashMap<>();
        if (previousOutput != null) {
            for (JsonNode item : previousOutput) {
                if ("function_call".equals(item.path("type").asText())) {
                    callNames.put(item.path("call_id").asText(), item.path("name").asText());
                }
            }
        }
        ArrayNode contents = out.putArray("contents");
        if (previousContents != null && previousContents.isArray()) {
            contents.addAll((ArrayNode) previousContents.deepCopy());
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw new TranslationException("input is required (a string or a list of input items)");
        }
        if (input.isTextual()) {
            contents.addObject().put("role", "user").putArray("parts").addObject().put("text", input.asText());
        } else if (input.isArray()) {
            int i = 0;
            for (JsonNode item : input) {
                item(item, "input[" + i++ + "]", contents, system, callNames);
            }
        } else {
            throw new TranslationException("input must be a string or a list of input items");
        }
        if (contents.isEmpty()) {
            throw new TranslationException("input holds no content to send");
        }
        if (!system.isEmpty()) {
            out.putObject("systemInstruction").set("parts", system);
        }
        tools(body, out);
        generationConfig(body, out);
        return out;
    }

    private static void item(JsonNode item, String where, ArrayNode contents, ArrayNode system,
                             Map<String, String> callNames) {
        String type = item.path("type").asText(item.has("role") ? "message" : "");
        switch (type) {
            case "message" -> {
                String role = item.path("role").asText("");
                ArrayNode parts = GeminiParts.JSON.createArrayNode();
                JsonNode content = item.get("content");
                if (content != null && content.isTextual()) {
                    parts.addObject().put("text", content.asText());
                } else if (content != null && content.isArray()) {
                    for (JsonNode c : content) {
                        contentPart(c, where, parts);
                    }
                } else {
                    throw new TranslationException(where + ".content must be a string or a list of content parts");
                }
                switch (role) {
                    case "system", "developer" -> system.addAll(parts);
                    case "user" -> append(contents, "user", parts);
                    case "assistant" -> append(contents, "model", parts);
                    default -> throw new TranslationException(where + ".role must be user, assistant, system or developer");
                }
            }
            case "function_call" -> {
                String name = item.path("name").asText("");
                String callId = item.path("call_id").asText("");
                if (name.isEmpty()) {
                    throw new TranslationException(where + ".name is required");
                }
                callNames.put(callId, name);
                ObjectNode p = GeminiParts.JSON.createObjectNode();
                p.putObject("functionCall").put("name", name).set("args", GeminiParts.argumentsObject(item.get("arguments")));
                String sig = Signatures.forCall(callId);
                if (sig != null) {
                    p.put("thoughtSignature", sig);
                }
                append(contents, "model", GeminiParts.JSON.createArrayNode().add(p));
            }
            case "function_call_output" -> {
                String callId = item.path("call_id").asText("");
                String name = callNames.get(callId);
                if (name == null) {
                    throw new TranslationException(where + ": no function call with call_id '" + callId
                            + "' precedes this output (send the function_call item, or previous_response_id)");
                }
                JsonNode output = item.get("output");
                String text;
                if (output != null && output.isArray()) {
                    StringBuilder b = new StringBuilder();
                    for (JsonNode o : output) {
                        if (o.path("text").isTextual()) {
                            b.append(o.get("text").asText());
                        }
                    }
                    text = b.toString();
                } else {
                    text = output == null ? "" : output.asText("");
                }
                ObjectNode p = GeminiParts.JSON.createObjectNode();
                p.putObject("functionResponse").put("name", name).putObject("response").put("output", text);
                append(contents, "user", GeminiParts.JSON.createArrayNode().add(p));
            }
            case "reasoning", "item_reference", "web_search_call" -> {
                // Summaries are not sent back; a call's signature travels in its call_id.
            }
            default -> throw new TranslationException(where + ": unsupported input item type '" + type + "'");
        }
    }

    /** Consecutive items of one role become one content (parallel calls and their outputs stay together). */
    private static void append(ArrayNode contents, String role, ArrayNode parts) {
        if (parts.isEmpty()) {
            return;
        }
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        boolean callsOrOutputs = parts.get(0).has("functionCall") || parts.get(0).has("functionResponse");
        if (last != null && role.equals(last.path("role").asText()) && callsOrOutputs
                && (last.path("parts").path(0).has("functionCall") || last.path("parts").path(0).has("functionResponse"))) {
            ((ArrayNode) last.get("parts")).addAll(parts);
            return;
        }
        ObjectNode c = contents.addObject().put("role", role);
        c.set("parts", parts);
    }

    private static void contentPart(JsonNode c, String where, ArrayNode parts) {
        String type = c.path("type").asText("");
        switch (type) {
            case "input_text", "output_text", "text", "refusal" -> parts.addObject()
                    .put("text", c.path(type.equals("refusal") ? "refusal" : "text").asText(""));
            case "input_image" -> {
                String url = c.path("image_url").asText("");
                if (url.isEmpty()) {
                    throw new TranslationException(where + ": input_image needs image_url (file_id is not supported)");
                }
                parts.add(GeminiParts.mediaPart(url, null));
            }
            case "input_file" -> {
                String data = c.path("file_data").asText("");
                String url = c.path("file_url").asText("");
                if (!data.isEmpty()) {
                    parts.add(GeminiParts.mediaPart(data.startsWith("data:") ? data
                            : "data:application/pdf;base64," + data, null));
                } else if (!url.isEmpty()) {
                    parts.add(GeminiParts.mediaPart(url, null));
                } else {
                    throw new TranslationException(where + ": input_file needs file_data or file_url");
                }
            }
            default -> throw new TranslationException(where + ": unsupported content part type '" + type + "'");
        }
    }

    private static void tools(ObjectNode body, ObjectNode out) {
        ArrayNode declarations = GeminiParts.JSON.createArrayNode();
        boolean search = false;
        for (JsonNode t : body.path("tools")) {
            String type = t.path("type").asText("");
            if (type.startsWith("web_search")) {
                search = true;
            } else if (type.equals("function")) {
                String name = t.path("name").asText("");
                if (name.isEmpty()) {
                    throw new TranslationException("tools: a function tool needs a name");
                }
                ObjectNode d = declarations.addObject().put("name", name);
                if (t.path("description").isTextual()) {
                    d.put("description", t.get("description").asText());
                }
                if (t.path("parameters").isObject()) {
                    d.set("parametersJsonSchema", t.get("parameters"));
                }
            } else {
                throw new TranslationException("tools: tool type '" + type + "' is not supported here (function,"
                        + " web_search)");
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
        if (choice == null || choice.isNull() || declarations.isEmpty()) {
            return;
        }
        ObjectNode fcc = GeminiParts.JSON.createObjectNode();
        if (choice.isTextual()) {
            fcc.put("mode", switch (choice.asText()) {
                case "none" -> "NONE";
                case "required" -> "ANY";
                default -> "AUTO";
            });
        } else if ("function".equals(choice.path("type").asText())) {
            fcc.put("mode", "ANY");
            fcc.putArray("allowedFunctionNames").add(choice.path("name").asText(""));
        } else {
            fcc.put("mode", "AUTO");
        }
        out.putObject("toolConfig").set("functionCallingConfig", fcc);
    }

    private static void generationConfig(ObjectNode body, ObjectNode out) {
        ObjectNode gc = GeminiParts.JSON.createObjectNode();
        if (body.path("max_output_tokens").canConvertToInt()) {
            gc.put("maxOutputTokens", body.get("max_output_tokens").asInt());
        }
        if (body.path("temperature").isNumber()) {
            gc.put("temperature", body.get("temperature").asDouble());
        }
        if (body.path("top_p").isNumber()) {
            gc.put("topP", body.get("top_p").asDouble());
        }
        JsonNode reasoning = body.path("reasoning");
        if (reasoning.isObject()) {
            ObjectNode tc = GeminiParts.JSON.createObjectNode();
            if (reasoning.path("effort").isTextual()) {
                tc.put("thinkingBudget", budget(reasoning.get("effort").asText()));
            }
            if (reasoning.path("summary").isTextual() || reasoning.path("generate_summary").isTextual()) {
                tc.put("includeThoughts", true);
            }
            if (!tc.isEmpty()) {
                gc.set("thinkingConfig", tc);
            }
        }
        JsonNode format = body.path("text").path("format");
        switch (format.path("type").asText("text")) {
            case "json_schema" -> {
                if (!format.path("schema").isObject()) {
                    throw new TranslationException("text.format.schema is required for json_schema");
                }
                gc.put("responseMimeType", "application/json");
                gc.set("responseJsonSchema", format.get("schema"));
            }
            case "json_object" -> gc.put("responseMimeType", "application/json");
            case "text" -> {
            }
            default -> throw new TranslationException("text.format.type must be text, json_schema or json_object");
        }
        if (!gc.isEmpty()) {
            out.set("generationConfig", gc);
        }
    }
}
