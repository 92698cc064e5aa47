package org.geminipool.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 10's conditions and target options on the built-in routes (the seed's plan). */
class RouteConditionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Routes routes = RouteTable.builtIn();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private RouteDecision gemini(String model, String body) {
        return routes.resolve(RequestTraits.gemini(OperationKind.GENERATE, model, json(body), null));
    }

    private RouteDecision openAi(String body) {
        JsonNode b = json(body);
        return routes.resolve(RequestTraits.openAi(OperationKind.GENERATE, b.path("model").asText(null), b, false, null));
    }

    private static final String HI = "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]";

    @Test
    void longContextIsCharactersOverFour() {
        String big = "x".repeat(240_004); // 60001 tokens
        assertEquals("long-context", openAi("{\"messages\":[{\"role\":\"system\",\"content\":\"" + big
                + "\"},{\"role\":\"user\",\"content\":\"sum up\"}]}").route());
        assertEquals("default", openAi("{\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(240_000) + "\"}]}").route(), "exactly 60000 is not above the threshold");
        RequestTraits t = RequestTraits.gemini(OperationKind.GENERATE, null, json(
                "{\"systemInstruction\":{\"parts\":[{\"text\":\"abcd\"}]},\"contents\":[{\"role\":\"user\",\"parts\":"
                        + "[{\"text\":\"abcdefgh\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAAA\"}}]}]}"), null);
        assertEquals(3, t.estimatedPromptTokens(), "text parts only, inline data does not count");
    }

    @Test
    void thinkingInBothProtocols() {
        assertEquals("think", openAi("{\"model\":\"default\",\"reasoning_effort\":\"medium\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}").route());
        assertEquals("think", openAi("{\"extra_body\":{\"google\":{\"thinking_config\":{\"include_thoughts\":true}}},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}").route());
        for (String effort : List.of("none", "minimal")) {
            assertEquals("default", openAi("{\"reasoning_effort\":\"" + effort
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}").route(), effort);
        }
        assertEquals("think", gemini(null, "{" + HI
                + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":-1}}}").route());
        assertEquals("think", gemini(null, "{" + HI + ",\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}}")
                .route());
        assertEquals(RouteDecision.DIRECT, gemini("gemini-3.8-flash", "{" + HI
                + ",\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":0}}}").route());
    }

    @Test
    void webSearchByToolOrAlias() {
        RouteDecision d = gemini(null, "{" + HI + ",\"tools\":[{\"googleSearch\":{}}]}");
        assertEquals("search", d.route());
        assertEquals("flash-lite", d.targets().get(0).family());
        assertEquals(List.of("googleSearch"), d.targets().get(0).addTools());
        assertEquals("search", openAi("{\"tools\":[{\"type\":\"web_search_preview\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}").route());
        assertEquals("search", openAi("{\"web_search_options\":{},\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}")
                .route());
        assertEquals("search", gemini("gemini-3.8-flash-search", "{" + HI + "}").route());
        assertEquals(RouteDecision.DIRECT, gemini("gemini-3.8-flash", "{" + HI
                + ",\"tools\":[{\"functionDeclarations\":[]}]}").route());
    }

    @Test
    void imageByModalityModelOrOperation() {
        RouteDecision d = gemini(null, "{" + HI + ",\"generationConfig\":{\"responseModalities\":[\"image\"]}}");
        assertEquals("image", d.route());
        assertTrue(d.targets().get(0).paid());
        assertEquals("image", gemini("gemini-3.1-flash-image", "{" + HI + "}").route());
        assertEquals("image", routes.resolve(RequestTraits.openAi(OperationKind.GENERATE, "dall-e-3",
                json("{\"prompt\":\"p\"}"), true, null)).route());
    }

    @Test
    void headerPicksARouteOnlyWhenGiven() {
        JsonNode body = json("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
        assertEquals("background", routes.resolve(RequestTraits.openAi(OperationKind.GENERATE, "gemini-3.8-flash", body,
                false, "background")).route());
        assertEquals(RouteDecision.DIRECT, routes.resolve(RequestTraits.openAi(OperationKind.GENERATE,
                "gemini-3.8-flash", body, false, null)).route(), "a token not allowed to pick has no header here");
        assertEquals(RouteDecision.DIRECT, routes.resolve(RequestTraits.openAi(OperationKind.GENERATE,
                "gemini-3.8-flash", body, false, "nonsense")).route());
    }

    @Test
    void noRuleAndNoModelIsDefault() {
        RouteDecision d = openAi("{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertEquals("default", d.route());
        assertEquals(List.of("family:flash", "family:flash-lite", "openrouter:google/gemini-3.8-flash"),
                d.targets().stream().map(t -> t.pool() == null ? t.label() : t.label().substring(t.pool().length() + 1))
                        .toList());
    }

    @Test
    void nonThinkingAliasSetsBudgetZeroWhereAllowed() {
        RouteDecision d = gemini("gemini-3.8-flash-non-thinking", "{" + HI + "}");
        assertEquals("gemini-3.8-flash", d.targets().get(0).model());
        assertEquals(0, d.targets().get(0).thinkingBudget());
        RouteDecision pro = gemini("gemini-3.1-pro-preview-non-thinking", "{" + HI + "}");
        assertEquals("gemini-3.1-pro-preview", pro.targets().get(0).model());
        assertNull(pro.targets().get(0).thinkingBudget(), "2.5-pro only works in thinking mode");
        assertFalse(RequestTraits.gemini(OperationKind.GENERATE, "gemini-3.8-flash-non-thinking", json("{" + HI
                + ",\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}}"), null).thinking());
    }

    @Test
    void unknownConditionPoolOrOptionIsRejectedWithItsLine() {
        Routes.InvalidRoutes e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse("""
                routes:
                  - name: a
                    targets: [ { pool: p, model: m } ]
                  - name: b
                    match:
                      models: [x]
                      mood: happy
                    targets: [ { pool: p, model: m } ]
                """));
        assertTrue(e.getMessage().startsWith("line 7: routes[1].match.mood is an unknown condition"), e.getMessage());
        e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse("""
                pools:
                  lite: {}
                routes:
                  - name: a
                    targets:
                      - { pool: lite, model: m }
                      - { pool: heavy, model: m }
                """));
        assertTrue(e.getMessage().startsWith("line 7: routes[0].targets[1].pool 'heavy' is unknown"), e.getMessage());
        e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse("""
                routes:
                  - name: a
                    targets: [ { pool: p, model: gemini-3.1-pro-preview, thinkingBudget: 0 } ]
                """));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("only works in thinking mode"),
                e.getMessage());
        e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse("""
                pools:
                  p: { paid: yes please }
                routes:
                  - name: a
                    targets: [ { pool: p, model: m, addTools: [codeExecution] } ]
                """));
        assertTrue(e.getMessage().startsWith("line 2: pools.p.paid must be true or false"), e.getMessage());
        e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse("""
                routes:
                  - name: a
                    targets: [ { pool: p, model: m, addTools: [codeExecution] } ]
                """));
        assertTrue(e.getMessage().contains("addTools 'codeExecution' is unknown"), e.getMessage());
    }
}
