package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recipes of docs/clients.md, run by the real clients (src/test/node/clients, versions pinned in its
 * package-lock.json): gemini-cli non-interactive ({@code -p … --output-format json} and {@code stream-json}), the
 * Vercel AI SDK, LangChain.js and Claude Code Router started on a loopback port — against the gateway in front of the
 * simulator. Needs {@code npm ci} in that folder; skipped only when node_modules is missing and CI_REQUIRE_NODE is
 * unset (with it set, a missing install fails).
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class ClientRecipesTest extends GatewayTestBase {

    private static Path nodeDir;
    private static String flashKey;
    private static String proProject;

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void keys() throws InterruptedException {
        nodeDir = NodeCheck.installed("node/clients");
        ensureDefaultPools();
        synchronized (ClientRecipesTest.class) {
            if (flashKey == null) {
                // The recipes name gemini-2.5-flash, as the users do: closed to new projects, served to legacy ones.
                String project = unique("p-clients-flash");
                sim().setProjectLegacy(project, true);
                flashKey = newKey();
                addKey(flashKey, project, KeyStatus.VALID, "flash");
                // a paid-tier-like budget: the recipes make a few dozen calls a minute (gemini-cli's 30-40 KB bodies
                // too: the free tier's 250k input tokens a minute are spent when the sections run within one minute)
                projectQuota(project, "gemini-2.5-flash", 200, 5000, 10_000_000);
                proProject = unique("p-clients-pro");
                sim().setProjectLegacy(proProject, true);
                addKey(newKey(), proProject, KeyStatus.VALID, "pro");
            }
        }
        Warmup.untilServed();
        Warmup.untilServed("gemini-2.5-flash");
    }

    private String run(String section) throws Exception {
        String base = gateway.toString().replaceAll("/$", "");
        Path scratch = Files.createTempDirectory("gateway-clients-" + section);
        String out;
        try {
            out = NodeCheck.run(nodeDir, 280, "clients-check.mjs", base, PoolServicesTestResource.CLIENT_TOKEN, section,
                    scratch.toString());
        } finally {
            deleteTree(scratch);
        }
        assertTrue(out.contains(section + ": ") && out.contains(" passed, 0 failed"), out);
        return out;
    }

    @Test
    void geminiCliStaysOnTheModelItNamed() throws Exception {
        sim().clearRequestLog();
        long proBefore = sim().accepted(proProject, "gemini-2.5-flash") + sim().refused(proProject, "gemini-2.5-flash");
        run("gemini-cli");
        List<String> log = sim().requestLog();
        assertTrue(log.stream().anyMatch(l -> l.contains("/models/gemini-2.5-flash:streamGenerateContent")), log.toString());
        assertFalse(log.stream().anyMatch(l -> l.contains("-pro")),
                "gemini-cli's includeThoughts moved a call to the pro route: " + log);
        assertEquals(proBefore, sim().accepted(proProject, "gemini-2.5-flash")
                + sim().refused(proProject, "gemini-2.5-flash"), "the pro pool's key served gemini-cli");
        // What the CLI sends reached the simulator as sent: a large body with its tools and thinking settings.
        String body = sim().lastRequestBody(flashKey);
        assertTrue(body != null && body.length() > 20_000, "gemini-cli body of " + (body == null ? 0 : body.length()));
        JsonPath sent = JsonPath.from(body);
        assertTrue(sent.getList("tools[0].functionDeclarations").size() > 5, "tools");
        assertEquals(Boolean.TRUE, sent.getBoolean("generationConfig.thinkingConfig.includeThoughts"));
        assertTrue(sent.getString("systemInstruction.parts[0].text").length() > 1000, "system instruction");
    }

    @Test
    void vercelAiSdk() throws Exception {
        run("ai-sdk");
    }

    @Test
    void langchainJs() throws Exception {
        run("langchain");
    }

    @Test
    void claudeCodeRouter() throws Exception {
        sim().clearRequestLog();
        run("ccr");
        List<String> log = sim().requestLog();
        assertTrue(log.stream().anyMatch(l -> l.contains("/openai/chat/completions")), "OpenAI provider: " + log);
        assertTrue(log.stream().anyMatch(l -> l.contains("/models/gemini-2.5-flash:")), "gemini transformer: " + log);
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp folder
        }
    }
}
