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

/**
 * Issue 19's routing rule on the shipped routes: a client that names a concrete model gets that model; conditions on
 * request parameters claim only requests naming an alias or no model; declared pools are reserved unless direct.
 */
class ConcreteModelRuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Routes routes = RouteTable.builtIn();

    /** The generationConfig gemini-cli 0.61 sends with every prompt on 2.5 models (and its 3.x variant). */
    private static final String CLI_25 = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
            + "\"generationConfig\":{\"temperature\":0,\"topP\":1,\"thinkingConfig\":{\"includeThoughts\":true,"
            + "\"thinkingBudget\":8192}}}";
    private static final String CLI_3 = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
            + "\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingLevel\":\"HIGH\"}}}";

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
        return routes.resolve(RequestTraits.openAi(OperationKind.GENERATE, b.path("model").asText(null), b, false,
                null));
    }

    @Test
    void geminiCliNamingFlashStaysOnFlash() {
        for (String body : List.of(CLI_25, CLI_3)) {
            RouteDecision d = gemini("gemini-2.5-flash", body);
            assertEquals(RouteDecision.DIRECT, d.route(), body);
            assertEquals(1, d.targets().size());
            assertEquals("gemini-2.5-flash", d.targets().get(0).model());
            assertNull(d.targets().get(0).pool(), "any direct pool");
            assertFalse(d.targets().get(0).rewritesBody(), "the client's thinking settings go up unchanged");
        }
        // the CLI's own cheap classifier call
        assertEquals("gemini-2.5-flash-lite", gemini("models/gemini-2.5-flash-lite", CLI_25).targets().get(0).model());
        assertEquals(RouteDecision.DIRECT, openAi("{\"model\":\"gemini-2.5-flash\",\"reasoning_effort\":\"high\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}").route());
    }

    @Test
    void flashLiteAliasKeepsItsPoolWhateverItsParameters() {
        for (String body : List.of(CLI_25, CLI_3)) {
            RouteDecision d = gemini("flash_lite_pool", body);
            assertEquals("bulk", d.route(), body);
            assertEquals("flash-lite", d.targets().get(0).pool());
        }
        String big = "x".repeat(240_004);
        assertEquals("bulk", openAi("{\"model\":\"flash_lite_pool\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + big + "\"}]}").route());
    }

    @Test
    void aliasOrNoModelWithThinkingStillGoesToThink() {
        assertEquals("think", gemini(null, CLI_25).route());
        assertEquals("think", gemini(null, CLI_3).route());
        assertEquals("think", gemini("default", CLI_25).route(), "a route name is an alias");
        assertEquals("think", openAi("{\"reasoning_effort\":\"medium\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"q\"}]}").route());
        assertEquals("pro", gemini(null, CLI_25).targets().get(0).pool());
    }

    @Test
    void otherParameterConditionsApplyOnlyWithoutAConcreteModel() {
        String big = "x".repeat(240_004);
        assertEquals("long-context", openAi("{\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}").route());
        assertEquals(RouteDecision.DIRECT, openAi("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + big + "\"}]}").route());
        String search = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"q\"}]}],\"tools\":[{\"googleSearch\":{}}]}";
        assertEquals("search", gemini(null, search).route());
        RouteDecision d = gemini("gemini-2.5-flash", search);
        assertEquals(RouteDecision.DIRECT, d.route(), "the client's own search tool goes to the model it named");
        assertTrue(d.targets().get(0).addTools().isEmpty());
        String image = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"q\"}]}],"
                + "\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"]}}";
        assertEquals("image", gemini(null, image).route());
        assertEquals(RouteDecision.DIRECT, gemini("gemini-2.5-flash", image).route());
    }

    @Test
    void aModelNameThatAsksForSearchOrAnImageIsServedAsNamedFromTheRulesPools() {
        RouteDecision img = gemini("gemini-2.5-flash-image", "{\"contents\":[]}");
        assertEquals("image", img.route());
        assertEquals(List.of("image:gemini-2.5-flash-image"), img.targets().stream().map(Target::label).toList());
        assertTrue(img.targets().get(0).paid());
        RouteDecision s = gemini("gemini-2.5-flash-search", "{\"contents\":[]}");
        assertEquals("search", s.route());
        assertEquals(List.of("flash-lite:gemini-2.5-flash", "flash:gemini-2.5-flash"),
                s.targets().stream().map(Target::label).toList());
        assertTrue(s.targets().stream().allMatch(Target::addsGoogleSearch));
        // not a Google ID: the image route's own targets
        assertEquals("flash-image", routes.resolve(RequestTraits.openAi(OperationKind.GENERATE, "dall-e-3",
                json("{\"prompt\":\"p\"}"), true, null)).targets().get(0).family());
    }

    @Test
    void explicitChoicesStillApplyToConcreteModels() {
        assertEquals("expert", openAi("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"[专家模式] review\"}]}").route());
        assertEquals("embedding", routes.resolve(RequestTraits.gemini(OperationKind.EMBED, "gemini-embedding-001",
                json("{\"content\":{\"parts\":[{\"text\":\"x\"}]}}"), null)).route());
        assertEquals("background", routes.resolve(RequestTraits.gemini(OperationKind.GENERATE, "gemini-2.5-flash",
                json(CLI_25), "background")).route());
    }

    @Test
    void concreteMeansAGoogleIdThatIsNoAlias() {
        assertTrue(routes.namesConcreteModel("gemini-2.5-flash"));
        assertTrue(routes.namesConcreteModel("gemma-3-27b-it"));
        assertTrue(routes.namesConcreteModel("imagen-4.0-generate-001"));
        assertFalse(routes.namesConcreteModel("flash_lite_pool"));
        assertFalse(routes.namesConcreteModel("think"));
        assertFalse(routes.namesConcreteModel("gpt-4o"));
        assertFalse(routes.namesConcreteModel(null));
        Routes aliased = Routes.parse("""
                routes:
                  - name: pinned
                    match: { models: [gemini-2.5-pro] }
                    targets: [ { pool: p, model: gemini-2.5-pro } ]
                  - name: think
                    match: { thinking: true }
                    targets: [ { pool: p, family: pro } ]
                """);
        assertFalse(aliased.namesConcreteModel("gemini-2.5-pro"), "an ID the file lists in models is an alias");
    }

    @Test
    void shippedPoolsReserveProEmbeddingAndImageForTheirRoutes() {
        assertEquals(List.of("pro", "embedding", "image"), routes.directExcludedPools());
        assertEquals(List.of("image"), routes.paidPools());
        assertTrue(routes.pools().stream().filter(p -> p.name().equals("flash")).findFirst().orElseThrow().direct());
    }

    @Test
    void directFlagDefaultsToReservedAndIsValidated() {
        Routes r = Routes.parse("""
                pools:
                  open: { direct: true }
                  kept: {}
                  paidOpen: { paid: true, direct: true }
                  paidKept: { paid: true }
                routes:
                  - name: a
                    targets: [ { pool: open, model: m }, { pool: kept, model: m }, { pool: paidOpen, model: m },
                               { pool: paidKept, model: m } ]
                """);
        assertEquals(List.of("kept", "paidKept"), r.directExcludedPools());
        assertEquals(List.of("paidOpen", "paidKept"), r.paidPools());
        assertEquals(List.of(), Routes.parse("routes:\n  - name: a\n    targets: [ { pool: p, model: m } ]\n")
                .directExcludedPools(), "a file without pools reserves none");
        Routes.InvalidRoutes e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse("""
                pools:
                  p: { direct: maybe }
                routes:
                  - name: a
                    targets: [ { pool: p, model: m } ]
                """));
        assertTrue(e.getMessage().startsWith("line 2: pools.p.direct must be true or false"), e.getMessage());
    }

    @Test
    void theConsoleSaysWhichRulesReadParameters() {
        assertTrue(GatewayRoutesView.conditions(routes.rule("think")).stream()
                .anyMatch(c -> c.startsWith("only for requests naming an alias or no model")));
        assertFalse(GatewayRoutesView.conditions(routes.rule("search")).stream()
                .anyMatch(c -> c.startsWith("only for requests naming an alias")));
    }
}
