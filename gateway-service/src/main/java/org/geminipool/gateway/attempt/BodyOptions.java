package org.geminipool.gateway.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.geminipool.gateway.routing.RequestTraits;
import org.geminipool.gateway.routing.Target;

import java.util.List;

/**
 * A target's options applied to the body sent upstream (issue 10). The client's body is never modified in place.
 *
 * <ul>
 *   <li>Gemini native: {@code addTools: [googleSearch]} appends {@code {"googleSearch":{}}} to {@code tools} (unless
 *   a search tool is already there); {@code thinkingBudget} sets {@code generationConfig.thinkingConfig.thinkingBudget}.
 *   <li>OpenAI chat to Google's OpenAI-compatible endpoint: Google documents no search-grounding tool there, so
 *   {@code addTools} adds nothing, and OpenAI web-search tools ({@code {"type":"web_search…"}},
 *   {@code web_search_options}) are removed (Google's endpoint does not know them). {@code thinkingBudget} becomes
 *   {@code reasoning_effort} as Google maps it: 0 → none, 1–1024 → low, ≤ 8192 → medium, more → high; -1 (dynamic)
 *   removes the client's {@code reasoning_effort}. A client's {@code google.thinking_config} is dropped then, since
 *   Google refuses both at once.
 * </ul>
 */
public final class BodyOptions {

    private BodyOptions() {
    }

    public static ObjectNode gemini(ObjectNode body, Target target) {
        ObjectNode copy = body.deepCopy();
        if (target.addsGoogleSearch() && !hasGeminiSearchTool(copy)) {
            JsonNode tools = copy.get("tools");
            ArrayNode list = tools != null && tools.isArray() ? (ArrayNode) tools : copy.putArray("tools");
            list.addObject().putObject("googleSearch");
        }
        if (target.thinkingBudget() != null) {
            thinkingConfig(copy).put("thinkingBudget", target.thinkingBudget());
        }
        if (target.thinkingLevel() != null) {
            thinkingConfig(copy).put("thinkingLevel", target.thinkingLevel());
        }
        return copy;
    }

    public static ObjectNode openAiChat(ObjectNode body, Target target) {
        ObjectNode copy = body.deepCopy();
        copy.put("model", target.model());
        copy.remove("web_search_options");
        JsonNode tools = copy.get("tools");
        if (tools != null && tools.isArray()) {
            ArrayNode kept = copy.arrayNode();
            for (JsonNode t : tools) {
                if (!RequestTraits.isOpenAiSearchTool(t)) {
                    kept.add(t);
                }
            }
            if (kept.isEmpty()) {
                copy.remove("tools");
                copy.remove("tool_choice");
            } else {
                copy.set("tools", kept);
            }
        }
        if (target.thinkingLevel() != null) {
            dropNativeThinking(copy);
            // Google's OpenAI-compatible endpoint accepts none|low|medium|high (minimal is refused).
            String level = target.thinkingLevel().toLowerCase(java.util.Locale.ROOT);
            copy.put("reasoning_effort", "minimal".equals(level) ? "low" : level);
        }
        Integer budget = target.thinkingBudget();
        if (budget != null) {
            dropNativeThinking(copy);
            if (budget < 0) {
                copy.remove("reasoning_effort");
            } else {
                copy.put("reasoning_effort", reasoningEffort(budget));
            }
        }
        return copy;
    }

    private static void dropNativeThinking(ObjectNode copy) {
        if (copy.path("extra_body").path("google").isObject()) {
            ((ObjectNode) copy.get("extra_body").get("google")).remove("thinking_config");
        }
        if (copy.path("google").isObject()) {
            ((ObjectNode) copy.get("google")).remove("thinking_config");
        }
    }

    static String reasoningEffort(int budget) {
        if (budget == 0) {
            return "none";
        }
        if (budget <= 1024) {
            return "low";
        }
        return budget <= 8192 ? "medium" : "high";
    }

    /** The body's thinkingConfig with every budget and level removed: Google refuses a budget and a level together. */
    private static ObjectNode thinkingConfig(ObjectNode body) {
        ObjectNode gc = object(body, "generationConfig", "generation_config");
        ObjectNode tc = object(gc, "thinkingConfig", "thinking_config");
        tc.remove(List.of("thinkingBudget", "thinking_budget", "thinkingLevel", "thinking_level"));
        return tc;
    }

    private static boolean hasGeminiSearchTool(ObjectNode body) {
        for (JsonNode t : body.path("tools")) {
            if (t.has("googleSearch") || t.has("google_search")) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode object(ObjectNode parent, String camel, String snake) {
        JsonNode v = parent.get(camel);
        if (v == null || !v.isObject()) {
            v = parent.get(snake);
        }
        if (v != null && v.isObject()) {
            return (ObjectNode) v;
        }
        return parent.putObject(camel);
    }
}
