package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code @google/genai} through the gateway on a pool of keys in several projects (src/test/node/objects-check.mjs):
 * a 30 MB files.upload and three generateContent calls with the file, caches, batches, interactions. Checked here, in
 * the simulator's request log: every call naming an object was served by the project that created it, no upstream call
 * answered 403, and no key was banned. Skipped like {@link SdkThroughGatewayTest} when node_modules is missing.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class SdkObjectsThroughGatewayTest extends GatewayTestBase {

    private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void filesCachesBatchesAndInteractionsStayOnTheirProject() throws Exception {
        boolean required = System.getenv("CI_REQUIRE_NODE") != null && !System.getenv("CI_REQUIRE_NODE").isBlank();
        boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules"));
        Assumptions.assumeTrue(installed || required, "objects check skipped: run `npm ci` in " + NODE_DIR);
        assertTrue(installed, "CI_REQUIRE_NODE is set but node_modules is missing in " + NODE_DIR);
        ensureDefaultPools();
        List<String> keyIds = new ArrayList<>();
        String pool = unique("sdk-objects");
        for (int i = 0; i < 4; i++) {
            keyIds.add(addKey(newKey(), unique("p-sdk-obj"), KeyStatus.VALID, pool));
        }
        sim().setCacheMinTokens(1);
        sim().clearRequestLog();

        String base = gateway.toString().replaceAll("/$", "");
        File log = Files.createTempFile("gateway-objects-check", ".log").toFile();
        Process p = new ProcessBuilder("node", "objects-check.mjs", base, PoolServicesTestResource.CLIENT_TOKEN,
                PoolServicesTestResource.SECOND_CLIENT_TOKEN).directory(NODE_DIR.toFile()).redirectErrorStream(true)
                .redirectOutput(log).start();
        if (!p.waitFor(200, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("objects-check.mjs did not finish:\n" + Files.readString(log.toPath(), StandardCharsets.UTF_8));
        }
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        log.delete();
        System.out.println(out);
        assertEquals(0, p.exitValue(), "objects-check.mjs failed:\n" + out);

        List<GeminiSimulator.LoggedRequest> records = sim().requestRecords();
        for (GeminiSimulator.LoggedRequest r : records) {
            assertTrue(r.status() != 403, "an upstream call answered 403: " + r);
        }
        // Every call that names the file, the cache, the batch or an interaction went to the project that created it.
        for (String line : out.split("\n")) {
            if (!line.startsWith("OBJECT ")) {
                continue;
            }
            String name = line.substring("OBJECT ".length()).trim();
            String creator = null;
            List<GeminiSimulator.LoggedRequest> naming = records.stream().filter(r -> r.line().contains(
                    "/" + name)).toList();
            for (GeminiSimulator.LoggedRequest r : naming) {
                if (creator == null) {
                    creator = r.project();
                }
                assertEquals(creator, r.project(), name + " served by two projects: " + naming);
            }
        }
        // The three generateContent calls with the file: all on the uploading project (the first four
        // generateContent lines of the run are the file's; the sim charges each to the key's project).
        String fileName = out.lines().filter(l -> l.startsWith("OBJECT files/")).findFirst().orElseThrow()
                .substring("OBJECT ".length()).trim();
        String fileProject = records.stream().filter(r -> r.line().contains("/" + fileName)).findFirst().orElseThrow()
                .project();
        List<GeminiSimulator.LoggedRequest> generate = records.stream()
                .filter(r -> r.line().contains("gemini-3.8-flash:generateContent")).limit(3).toList();
        assertEquals(3, generate.size(), records.toString());
        for (GeminiSimulator.LoggedRequest r : generate) {
            assertEquals(fileProject, r.project(), "generateContent with the file: " + r);
        }
        for (String id : keyIds) {
            assertEquals("ACTIVE", keyInfo(id).getString("state"), "key " + id);
        }
    }
}
