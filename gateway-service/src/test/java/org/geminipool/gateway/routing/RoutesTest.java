package org.geminipool.gateway.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutesTest {

    private final Routes routes = RouteTable.builtIn();

    @Test
    void builtInIsTheSeedPlan() {
        assertEquals("default", routes.defaultRoute());
        assertEquals(java.util.List.of("background", "embedding", "image", "search", "expert", "claude-opus", "bulk",
                "think", "long-context", "default"), routes.rules().stream().map(RouteRule::name).toList());
        assertEquals(3, routes.rule("bulk").targets().size());
        assertEquals("flash-lite", routes.rule("bulk").targets().get(0).family());
        assertTrue(routes.rule("bulk").targets().get(2).openRouter());
        // Every Google text/image target names a family, so the shipped routes follow Google's renames.
        for (RouteRule rule : routes.rules()) {
            for (Target t : rule.targets()) {
                if (!t.openRouter() && !rule.name().equals("embedding")) {
                    assertTrue(t.byFamily(), rule.name() + " names a model ID: " + t.label());
                }
            }
        }
        // Where the free tier has no pro, expert falls back to flash thinking hard before OpenRouter.
        Target fallback = routes.rule("expert").targets().get(1);
        assertEquals("flash", fallback.family());
        assertEquals("HIGH", fallback.thinkingLevel());
        assertTrue(routes.rule("expert").targets().get(2).openRouter());
    }

    @Test
    void whatEveryRequestAsksIsWorkedOutOnceAndStaysRightPastTheCacheBound() {
        assertTrue(routes.aliases() == routes.aliases(), "aliases computed once, not per request");
        assertTrue(routes.directExcludedPools() == routes.directExcludedPools());
        String alias = routes.aliases().get(0);
        // More distinct names than the bound: the answers stay those of the rules (client input cannot grow it).
        for (int i = 0; i < Routes.MAX_CACHED_MODELS + 10; i++) {
            assertTrue(routes.namesConcreteModel("gemini-3.5-flash-lite-preview-" + i));
            assertEquals(false, routes.namesConcreteModel("no-model-" + i));
        }
        assertTrue(routes.namesConcreteModel("gemini-3.5-flash"));
        assertEquals(false, routes.namesConcreteModel(alias), alias + " is an alias");
        assertEquals(false, routes.namesConcreteModel("expert"), "a route name");
        assertEquals(false, routes.namesConcreteModel(null));
    }

    @Test
    void claudeModelNamesMapOntoRoutes() {
        // Claude Code sends its own model names: haiku-class → bulk (flash-lite), opus-class → the expert targets,
        // every other Claude name (sonnet) → default; the other traits still route first (CCR's categories).
        assertEquals("bulk", routes.resolve(OperationKind.GENERATE, "claude-3-5-haiku-20241022", "hi").route());
        assertEquals("bulk", routes.resolve(OperationKind.GENERATE, "claude-haiku-4-5", "hi").route());
        assertEquals("claude-opus", routes.resolve(OperationKind.GENERATE, "claude-opus-4-1-20250805", "hi").route());
        assertEquals(routes.rule("expert").targets(), routes.rule("claude-opus").targets());
        assertEquals("default", routes.resolve(OperationKind.GENERATE, "claude-sonnet-4-5-20250929", "hi").route());
        assertEquals("default", routes.resolve(OperationKind.GENERATE, "Claude-Sonnet-4", "hi").route());
        assertEquals("expert", routes.resolve(OperationKind.GENERATE, "claude-haiku-4-5", "[专家模式] x").route());
        // Patterns are not aliases: the models list does not offer "claude-*".
        assertTrue(routes.aliases().stream().noneMatch(a -> a.contains("*")));
        assertTrue(ModelPatterns.matches("claude-*haiku*", "claude-haiku"));
        assertTrue(!ModelPatterns.matches("claude-*haiku*", "claude-sonnet"));
        assertTrue(ModelPatterns.matches("a*b*c", "abc") && !ModelPatterns.matches("a*b*c", "acb"));
    }

    @Test
    void keywordInLatestUserMessageWinsFirst() {
        RouteDecision d = routes.resolve(OperationKind.GENERATE, "flash_lite_pool", "please [专家模式] review this");
        assertEquals("expert", d.route());
        assertEquals("pro", d.targets().get(0).pool());
        assertEquals("expert/pro:family:pro", d.header(d.targets().get(0)));
        assertEquals("expert/pro:gemini-3.1-pro-preview",
                d.header(d.targets().get(0).resolvedTo("gemini-3.1-pro-preview")));
    }

    @Test
    void embeddingsGoToTheEmbeddingPoolWhateverModelIsNamed() {
        RouteDecision d = routes.resolve(OperationKind.EMBED, "text-embedding-3-small", null);
        assertEquals("embedding", d.route());
        assertEquals("gemini-embedding-001", d.targets().get(0).model());
    }

    @Test
    void aliasSelectsItsRouteAndConcreteModelGoesDirect() {
        assertEquals("bulk", routes.resolve(OperationKind.GENERATE, "flash_lite_pool", "hi").route());
        RouteDecision direct = routes.resolve(OperationKind.GENERATE, "models/gemini-3.8-flash", "hi");
        assertEquals(RouteDecision.DIRECT, direct.route());
        assertNull(direct.targets().get(0).pool());
        assertEquals("gemini-3.8-flash", direct.targets().get(0).model());
    }

    @Test
    void noModelUsesTheDefaultRoute() {
        assertEquals("default", routes.resolve(OperationKind.GENERATE, null, "hi").route());
        assertEquals("bulk", routes.resolve(OperationKind.GENERATE, "bulk", "hi").route());
    }

    @Test
    void invalidFilesAreRejectedWithAReason() {
        assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse("routes: ["));
        Routes.InvalidRoutes e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse(
                "routes:\n  - name: a\n    targets: [ { pool: p } ]\n"));
        assertTrue(e.getMessage().contains("routes[0].targets[0] needs exactly one of model"), e.getMessage());
        e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse(
                "routes:\n  - name: a\n    targets: [ { pool: p, model: m, family: flash } ]\n"));
        assertTrue(e.getMessage().contains("exactly one of model"), e.getMessage());
        e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse(
                "routes:\n  - name: a\n    targets: [ { pool: p, family: flash, thinkingLevel: EXTREME } ]\n"));
        assertTrue(e.getMessage().contains("thinkingLevel"), e.getMessage());
        e = assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse(
                "routes:\n  - name: a\n    targets: [ { pool: p, family: flash, thinkingLevel: HIGH, thinkingBudget: 10 } ]\n"));
        assertTrue(e.getMessage().contains("together"), e.getMessage());
        assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse(
                "default: nope\nroutes:\n  - name: a\n    targets: [ { pool: p, model: m } ]\n"));
        assertThrows(Routes.InvalidRoutes.class, () -> Routes.parse(
                "routes:\n  - name: a\n    match: { operation: fly }\n    targets: [ { pool: p, model: m } ]\n"));
    }

    @Test
    void latestUserMessageInBothProtocols() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals("second\n", PromptText.latestUserGemini(json.readTree("""
                {"contents":[{"role":"user","parts":[{"text":"[专家模式] first"}]},{"role":"model","parts":[{"text":"x"}]},
                 {"role":"user","parts":[{"text":"second"}]}]}""")));
        assertEquals("now [评审模式]", PromptText.latestUserOpenAi(json.readTree("""
                {"messages":[{"role":"system","content":"[专家模式]"},{"role":"user","content":"now [评审模式]"},
                 {"role":"assistant","content":"ok"}]}""")));
        assertTrue(PromptText.latestUserOpenAi(json.readTree("""
                {"messages":[{"role":"user","content":[{"type":"text","text":"代码重构 please"}]}]}""")).contains("代码重构"));
    }
}
