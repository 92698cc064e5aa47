package org.geminipool.simulator;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs src/test/node/sdk-check.mjs: the official {@code @google/genai} and {@code openai} npm SDKs, pointed at the
 * simulator, must parse its answers and raise their own error types for its errors. Needs {@code npm ci} in
 * gemini-simulator/src/test/node; skipped (with a message) only when node_modules is missing and CI_REQUIRE_NODE is
 * unset.
 */
class SdkCompatibilityTest extends SimTestBase {

    private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();

    @Test
    void officialSdksParseTheSimulatorsAnswersAndErrors() throws Exception {
        boolean required = System.getenv("CI_REQUIRE_NODE") != null && !System.getenv("CI_REQUIRE_NODE").isBlank();
        boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules"));
        Assumptions.assumeTrue(installed || required,
                "SDK check skipped: run `npm ci` in " + NODE_DIR + " (set CI_REQUIRE_NODE=1 to make this a failure)");
        assertTrue(installed, "CI_REQUIRE_NODE is set but " + NODE_DIR.resolve("node_modules")
                + " is missing: run `npm ci` there");

        // an AQ. auth key, what AI Studio issues since 2026 (gemini-api-2026.md §2): the SDKs send it like any other
        String key = fakeAuthKey();
        sim.addKey(key, "sdk-project", KeyStatus.VALID);
        File log = Files.createTempFile("sdk-check", ".log").toFile();
        Process p;
        try {
            p = new ProcessBuilder("node", "sdk-check.mjs", sim.baseUrl(), key)
                    .directory(NODE_DIR.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
        } catch (java.io.IOException e) {
            fail("cannot run node (Node 20+ required): " + e.getMessage());
            return;
        }
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("sdk-check.mjs did not finish within 150 s:\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        log.delete();
        System.out.println(out);
        assertEquals(0, p.exitValue(), "sdk-check.mjs failed:\n" + out);
        assertTrue(out.contains(" passed, 0 failed"), out);
        assertTrue(sim.accepted(key) >= 10, "the SDK calls reached the simulator with the key");
    }
}
