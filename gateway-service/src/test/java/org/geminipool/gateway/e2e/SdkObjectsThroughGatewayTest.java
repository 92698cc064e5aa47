package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code @google/genai} through the gateway on a pool of keys in several projects (src/test/node/objects-check.mjs):
 * a 30 MB files.upload and three generateContent calls with the file, caches, batches, interactions. Checked here, in
 * the simulator's request log: every call naming an object was served by the project that created it, no upstream call
 * answered 403, and no key was banned. Skipped like {@link SdkThroughGatewayTest} when node_modules is missing.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class SdkObjectsThroughGatewayTest extends GatewayTestBase {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void filesCachesBatchesAndInteractionsStayOnTheirProject() throws Exception {
        Path dir = NodeCheck.installed("node");
        ensureDefaultPools();
        List<String> keyIds = new ArrayList<>();
        List<String> projects = new ArrayList<>();
        String pool = unique("sdk-objects");
        for (int i = 0; i < 4; i++) {
            String project = unique("p-sdk-obj");
            projects.add(project);
            keyIds.add(addKey(newKey(), project, KeyStatus.VALID, pool));
            // The 30 MB file counts as millions of input tokens per call: a paid-tier budget, so three calls in one
            // minute on the uploading project are not refused by the free tier's 250k input tokens a minute.
            projectQuota(project, "gemini-3.8-flash", 1000, 100_000, 100_000_000);
        }
        sim().setCacheMinTokens(1);
        sim().clearRequestLog();

        String base = gateway.toString().replaceAll("/$", "");
        // Only this test's projects serve meanwhile: the upload must land on one with the quota set above.
        String out = withOnlyProjects(projects, () -> {
            try {
                return NodeCheck.run(dir, 200, "objects-check.mjs", base, PoolServicesTestResource.CLIENT_TOKEN,
                        PoolServicesTestResource.SECOND_CLIENT_TOKEN);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

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
