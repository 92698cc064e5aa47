package org.geminipool.simulator.internal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Function calling as Google does it, deterministically: the model calls a declared function when the tool config
 * says ANY, or when the latest user text names a declared function (and the turn is not already answering a call);
 * Gemini 3 and later attach a {@code thoughtSignature} to the call and demand it back: a request whose current turn
 * holds a model {@code functionCall} without a valid signature is refused 400 like Google refuses it
 * (ai.google.dev/gemini-api/docs/thought-signatures: "missing a thought_signature").
 */
public final class FunctionCalling {

    /** What a simulator signature decodes to the start of (real ones are opaque; ours are recognisable). */
    static final String SIGNATURE_MARK = "gp-sim-thought:";
    /** The values Google documents as accepted in place of a signature (transferring foreign history). */
    static final List<String> DUMMY_SIGNATURES = List.of("skip_thought_signature_validator",
            "context_engineering_is_the_way_to_go");

    private FunctionCalling() {
    }

    /** Gemini 3, 4, …: models that sign their function calls and validate the signatures. */
    public static boolean signs(String model) {
        if (!model.startsWith("gemini-")) {
            return false;
        }
        String v = model.substring("gemini-".length());
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end > 0 && Integer.parseInt(v.substring(0, Math.min(end, 4))) >= 3;
    }

    public static String signature(String model, String seed) {
        return Base64.getEncoder().encodeToString((SIGNATURE_MARK + model + ":"
                + Long.toHexString(ContentGen.hash(seed))).getBytes(StandardCharsets.UTF_8));
    }

    static boolean validSignature(Object value) {
        if (!(value instanceof String s) || s.isEmpty()) {
            return false;
        }
        if (DUMMY_SIGNATURES.contains(s)) {
            return true;
        }
        try {
            return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8).startsWith(SIGNATURE_MARK);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Google's check: in the current turn (the contents after the last user message with text or media), the first
     * functionCall part of each model content must carry a valid signature.
     */
    static void checkSignatures(String model, JsonArray contents) {
        if (!signs(model)) {
            return;
        }
        int start = 0;
        for (int c = 0; c < contents.size(); c++) {
            if (contents.getValue(c) instanceof JsonObject content && !"model".equals(content.getString("role", "user"))
                    && content.getValue("parts") instanceof JsonArray parts) {
                for (Object p : parts) {
                    if (p instanceof JsonObject part && !part.containsKey("functionResponse")
                            && !part.containsKey("function_response")) {
                        start = c + 1;
                        break;
                    }
                }
            }
        }
        for (int c = start; c < contents.size(); c++) {
            if (!(contents.getValue(c) instanceof JsonObject content) || !"model".equals(content.getString("role"))
                    || !(content.getValue("parts") instanceof JsonArray parts)) {
                continue;
            }
            for (int p = 0; p < parts.size(); p++) {
                if (parts.getValue(p) instanceof JsonObject part
                        && (part.containsKey("functionCall") || part.containsKey("function_call"))) {
                    Object sig = part.containsKey("thoughtSignature") ? part.getValue("thoughtSignature")
                            : part.getValue("thought_signature");
                    if (!validSignature(sig)) {
                        JsonObject fc = part.containsKey("functionCall") ? part.getJsonObject("functionCall")
                                : part.getJsonObject("function_call");
                        throw new Generation.Invalid(GoogleErrors.invalidArgument("Function call is missing a"
                                + " thought_signature in functionCall parts. This is required for tools to work"
                                + " correctly, and missing thought_signature may lead to degraded model performance."
                                + " Additional data, function call `default_api:" + (fc == null ? "" : fc.getString("name", ""))
                                + "` , position " + (c + 1) + ". Please refer to"
                                + " https://ai.google.dev/gemini-api/docs/thought-signatures for more details."));
                    }
                    break; // only the first call of a step is signed
                }
            }
        }
    }

    /** The call the model makes for this request, or null (it answers with text). */
    static JsonObject call(JsonObject body, JsonArray contents, String lastUserText) {
        List<JsonObject> declared = new ArrayList<>();
        Object tools = body.getValue("tools");
        if (tools instanceof JsonArray list) {
            for (Object t : list) {
                if (t instanceof JsonObject tool) {
                    Object fds = tool.containsKey("functionDeclarations") ? tool.getValue("functionDeclarations")
                            : tool.getValue("function_declarations");
                    if (fds instanceof JsonArray arr) {
                        for (Object d : arr) {
                            if (d instanceof JsonObject decl && decl.getValue("name") instanceof String) {
                                declared.add(decl);
                            }
                        }
                    }
                }
            }
        }
        if (declared.isEmpty()) {
            return null;
        }
        JsonObject last = contents.getJsonObject(contents.size() - 1);
        for (Object p : last.getJsonArray("parts", new JsonArray())) {
            if (p instanceof JsonObject part && (part.containsKey("functionResponse") || part.containsKey("function_response"))) {
                return null; // the turn answers a call: the model now answers in text
            }
        }
        JsonObject tc = body.getJsonObject("toolConfig", body.getJsonObject("tool_config", new JsonObject()));
        JsonObject fcc = tc.getJsonObject("functionCallingConfig", tc.getJsonObject("function_calling_config", new JsonObject()));
        String mode = fcc.getString("mode", "AUTO").toUpperCase(Locale.ROOT);
        if (mode.equals("NONE")) {
            return null;
        }
        JsonObject chosen = null;
        JsonArray allowed = fcc.getJsonArray("allowedFunctionNames", fcc.getJsonArray("allowed_function_names"));
        if (mode.equals("ANY") && allowed != null && !allowed.isEmpty()) {
            for (JsonObject d : declared) {
                if (allowed.contains(d.getString("name"))) {
                    chosen = d;
                    break;
                }
            }
        }
        if (chosen == null) {
            String text = lastUserText == null ? "" : lastUserText;
            for (JsonObject d : declared) {
                if (text.contains(d.getString("name"))) {
                    chosen = d;
                    break;
                }
            }
        }
        if (chosen == null && mode.equals("ANY")) {
            chosen = declared.get(0);
        }
        if (chosen == null) {
            return null;
        }
        return new JsonObject().put("name", chosen.getString("name")).put("args", arguments(chosen));
    }

    /** Arguments for the declared schema: every required string property "simulated", numbers 1, booleans true. */
    private static JsonObject arguments(JsonObject decl) {
        JsonObject schema = decl.getJsonObject("parametersJsonSchema", decl.getJsonObject("parameters", new JsonObject()));
        JsonObject props = schema.getJsonObject("properties", new JsonObject());
        JsonObject args = new JsonObject();
        for (Object r : schema.getJsonArray("required", new JsonArray())) {
            if (r instanceof String name) {
                String type = String.valueOf(props.getJsonObject(name, new JsonObject()).getValue("type", "string"))
                        .toLowerCase(Locale.ROOT);
                switch (type) {
                    case "integer", "number" -> args.put(name, 1);
                    case "boolean" -> args.put(name, true);
                    case "array" -> args.put(name, new JsonArray());
                    case "object" -> args.put(name, new JsonObject());
                    default -> args.put(name, "simulated");
                }
            }
        }
        return args;
    }
}
