package org.geminipool.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.geminipool.gateway.console.ConsoleTestSupport.events;
import static org.geminipool.gateway.console.ConsoleTestSupport.postUsage;
import static org.geminipool.gateway.console.ConsoleTestSupport.rawKey;
import static org.geminipool.gateway.console.ConsoleTestSupport.unique;
import static org.geminipool.gateway.console.ConsoleTestSupport.usageApi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The console in a real browser: headless Chromium (Debian's {@code chromium} package) driven by {@code playwright-core}
 * (src/test/browser/console-check.mjs) logs in, imports fake keys, sees them masked, disables one, and reads the
 * overview after usage events were posted to usage-service, comparing with the usage API. Screenshots of each page go
 * to target/console-screenshots/. Needs {@code apt-get install chromium} and {@code npm ci} in src/test/browser:
 * without them this test is skipped, unless CI_REQUIRE_BROWSER is set (not 0), when it fails.
 */
@QuarkusTest
@WithTestResource(ConsoleServicesTestResource.class)
class ConsoleBrowserTest {

    static final Path BROWSER_DIR = Path.of("src", "test", "browser").toAbsolutePath();
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots").toAbsolutePath();

    @TestHTTPResource("/")
    URL app;

    @Test
    void browserLogsInImportsDisablesAndSeesUsageNumbers() throws Exception {
        String requiredEnv = System.getenv("CI_REQUIRE_BROWSER");
        boolean required = requiredEnv != null && !requiredEnv.isBlank() && !requiredEnv.equals("0");
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(chromium))) {
            missing.add(chromium + " (apt-get install -y chromium)");
        }
        if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
            missing.add(BROWSER_DIR.resolve("node_modules/playwright-core") + " (npm ci in " + BROWSER_DIR + ")");
        }
        if (required) {
            assertTrue(missing.isEmpty(), "CI_REQUIRE_BROWSER is set but the browser check cannot run; missing: "
                    + String.join(", ", missing));
        }
        Assumptions.assumeTrue(missing.isEmpty(), "console browser check skipped; missing: " + String.join(", ", missing)
                + " (CI_REQUIRE_BROWSER=1 makes this a failure)");

        // Some traffic, straight into usage-service as the gateway's shipper would send it.
        String keyId = unique("browser-key");
        List<Map<String, Object>> batch = new ArrayList<>();
        batch.addAll(events(keyId, "gemini-3.1-flash-lite", "SUCCESS", "client-browser", 4));
        batch.addAll(events(keyId, "gemini-3.1-flash-lite", "RATE_LIMITED", "client-browser", 2));
        batch.addAll(events(keyId, "gemini-3.1-pro-preview", "QUOTA_EXHAUSTED_DAY", "client-other", 1));
        batch.addAll(events(keyId, "gemini-3.1-pro-preview", "CLIENT_ERROR", "client-other", 1));
        postUsage(batch);

        Path keys = Files.createTempFile("console-browser-keys", ".txt");
        List<String> raw = List.of(rawKey(), rawKey(), rawKey());
        Files.writeString(keys, String.join("\n", raw) + "\n");
        Files.createDirectories(SCREENSHOTS);
        File log = Files.createTempFile("console-browser", ".log").toFile();
        String pool = unique("browser");
        ProcessBuilder pb = new ProcessBuilder("node", "console-check.mjs").directory(BROWSER_DIR.toFile())
                .redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("CONSOLE_URL", app.toString());
        pb.environment().put("ADMIN_TOKEN", ConsoleServicesTestResource.ADMIN_TOKEN);
        pb.environment().put("KEYS_FILE", keys.toString());
        pb.environment().put("POOL", pool);
        pb.environment().put("USAGE_URL", ConsoleServicesTestResource.usage().baseUrl());
        pb.environment().put("SCREENSHOT_DIR", SCREENSHOTS.toString());
        pb.environment().put("CHROMIUM", chromium);
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            fail("cannot run node (Node 18+ required): " + e.getMessage());
            return;
        }
        boolean finished = p.waitFor(180, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        log.delete();
        Files.deleteIfExists(keys);
        System.out.println(out);
        assertTrue(finished, "console-check.mjs did not finish within 180 s:\n" + out);
        assertEquals(0, p.exitValue(), "console-check.mjs failed:\n" + out);
        assertTrue(out.contains(" passed, 0 failed"), out);
        for (String k : raw) {
            assertTrue(!out.contains(k), "a raw key was printed");
        }

        // The numbers the browser read equal the usage API's, checked here too.
        String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow().substring(7);
        JsonNode shown = ConsoleTestSupport.JSON.readTree(result).get("shown");
        JsonNode totals = usageApi("/usage/daily").get("totals");
        for (String metric : List.of("requests", "successes", "rateLimited", "dayExhausted", "invalidOrDenied",
                "upstreamErrors", "clientErrors")) {
            assertEquals(totals.get(metric).asLong(), shown.get(metric).asLong(), metric);
        }
        for (String name : List.of("01-login.png", "02-keys-imported.png", "03-confirm-disable.png",
                "04-keys-after-disable.png", "05-overview.png", "06-usage.png", "07-routes.png")) {
            assertTrue(Files.size(SCREENSHOTS.resolve(name)) > 1000, name);
        }
    }
}
