package org.geminipool.gateway.e2e;

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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The two translated front doors (issue 20) driven by the official clients: {@code openai}'s responses.create (plain,
 * stream, a function-call round trip, previous_response_id chains, retrieve), {@code @ai-sdk/openai}'s default
 * provider (which calls /v1/responses), and {@code @anthropic-ai/sdk}'s messages.create (plain, stream, tool use whose
 * Gemini 3 thought signature must survive the second turn, thinking, count_tokens), plus a request shaped like Claude
 * Code's (src/test/node-doors/doors-check.mjs). Needs {@code npm ci} in gateway-service/src/test/node-doors; skipped
 * only when node_modules is missing and CI_REQUIRE_NODE is unset.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class DoorsSdkTest extends GatewayTestBase {

    private static final Path NODE_DIR = Path.of("src", "test", "node-doors").toAbsolutePath();

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void responsesAndMessagesDoorsServeTheOfficialSdks() throws Exception {
        boolean required = System.getenv("CI_REQUIRE_NODE") != null && !System.getenv("CI_REQUIRE_NODE").isBlank();
        boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules"));
        Assumptions.assumeTrue(installed || required,
                "SDK check skipped: run `npm ci` in " + NODE_DIR + " (CI_REQUIRE_NODE=1 makes this a failure)");
        assertTrue(installed, "CI_REQUIRE_NODE is set but " + NODE_DIR.resolve("node_modules")
                + " is missing: run `npm ci` there");
        ensureDefaultPools();

        String base = gateway.toString().replaceAll("/$", "");
        File log = Files.createTempFile("gateway-doors-check", ".log").toFile();
        Process p;
        try {
            p = new ProcessBuilder("node", "doors-check.mjs", base, PoolServicesTestResource.CLIENT_TOKEN)
                    .directory(NODE_DIR.toFile()).redirectErrorStream(true).redirectOutput(log).start();
        } catch (java.io.IOException e) {
            fail("cannot run node (Node 20+ required): " + e.getMessage());
            return;
        }
        if (!p.waitFor(170, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("doors-check.mjs did not finish within 170 s:\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        log.delete();
        System.out.println(out);
        assertEquals(0, p.exitValue(), "doors-check.mjs failed:\n" + out);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }
}
