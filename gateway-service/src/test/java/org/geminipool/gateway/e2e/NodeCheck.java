package org.geminipool.gateway.e2e;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
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
 * Runs one of the gateway's Node checks (real SDKs and clients, pinned by a package-lock.json under src/test): skipped
 * only when that folder's node_modules is missing and CI_REQUIRE_NODE is unset (`.ci/run` sets it after `npm ci`).
 */
final class NodeCheck {

    private NodeCheck() {
    }

    /** Skips the test (or fails it under CI_REQUIRE_NODE) unless {@code npm ci} ran in {@code src/test/<folder>}. */
    static Path installed(String folder) {
        Path dir = Path.of("src", "test", folder).toAbsolutePath();
        String requiredEnv = System.getenv("CI_REQUIRE_NODE");
        boolean required = requiredEnv != null && !requiredEnv.isBlank();
        boolean installed = Files.isDirectory(dir.resolve("node_modules"));
        Assumptions.assumeTrue(installed || required,
                "Node check skipped: run `npm ci` in " + dir + " (CI_REQUIRE_NODE=1 makes this a failure)");
        assertTrue(installed, "CI_REQUIRE_NODE is set but " + dir.resolve("node_modules") + " is missing: run `npm ci`"
                + " there");
        return dir;
    }

    /** Runs {@code node <script> <args…>} in {@code dir}; its output, after asserting it exited 0 in time. */
    static String run(Path dir, long timeoutSeconds, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        File log = Files.createTempFile("gateway-node-check", ".log").toFile();
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log)
                        .start();
            } catch (IOException e) {
                fail("cannot run node (Node 20+ required): " + e.getMessage());
                return "";
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(script + " did not finish within " + timeoutSeconds + " s:\n"
                        + Files.readString(log.toPath(), StandardCharsets.UTF_8));
            }
            String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
            System.out.println(out);
            assertEquals(0, p.exitValue(), String.join(" ", command.subList(1, Math.min(3, command.size())))
                    + " failed:\n" + out);
            return out;
        } finally {
            log.delete();
        }
    }
}
