package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One JVM Dockerfile per service: Quarkus fast-jar layout, non-root, health check, the configured port. */
class DockerfilesTest {

    record Instruction(String keyword, String args) {
    }

    /** Dockerfile instructions with line continuations joined and comments dropped. */
    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (current.length() == 0 && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String full = current.toString().strip();
            current.setLength(0);
            int space = full.indexOf(' ');
            out.add(new Instruction(full.substring(0, space).toUpperCase(), full.substring(space + 1).strip()));
        }
        assertEquals(0, current.length(), "dangling line continuation");
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "keypool-service", "usage-service"})
    void dockerfileIsFastJarNonRootWithHealthCheck(String service) {
        String path = service + "/src/main/docker/Dockerfile.jvm";
        List<Instruction> ins = parse(Repo.read(path));
        assertEquals("FROM", ins.get(0).keyword(), path + " starts with FROM");
        for (String dir : List.of("lib/", "*.jar", "app/", "quarkus/")) {
            assertTrue(ins.stream().anyMatch(i -> i.keyword().equals("COPY")
                    && i.args().contains("target/quarkus-app/" + dir)), path + " does not copy target/quarkus-app/" + dir);
        }
        String user = null;
        Instruction healthcheck = null;
        Integer exposed = null;
        for (Instruction i : ins) {
            switch (i.keyword()) {
                case "USER" -> user = i.args();
                case "HEALTHCHECK" -> healthcheck = i;
                case "EXPOSE" -> exposed = Integer.parseInt(i.args().split("[ /]")[0]);
                case "ADD" -> throw new AssertionError(path + ": use COPY, not ADD");
                default -> {
                }
            }
        }
        assertNotNull(user, path + " sets no USER");
        assertFalse(user.matches("(root|0)(:.*)?"), path + " runs as root");
        assertNotNull(healthcheck, path + " has no HEALTHCHECK");
        assertTrue(healthcheck.args().contains("/q/health/"), path + " HEALTHCHECK does not use the health endpoints");
        assertTrue(healthcheck.args().contains(":-" + Repo.httpPort(service) + "}"), path + " HEALTHCHECK port");
        assertEquals(Repo.httpPort(service), exposed, path + " EXPOSE differs from quarkus.http.port");
        Instruction last = ins.get(ins.size() - 1);
        assertTrue(last.keyword().equals("ENTRYPOINT") || last.keyword().equals("CMD"), path + " ends without ENTRYPOINT");
        assertTrue(ins.stream().anyMatch(i -> i.keyword().equals("ENV") && i.args().contains("quarkus-run.jar")),
                path + " does not run quarkus-run.jar");
        // the documented build command is in the Dockerfile and in deploy/README.md
        String build = "docker build -f " + path + " -t gemini-pool/" + service + " " + service;
        assertTrue(Repo.read(path).contains(build), path + " lacks its build command");
        assertTrue(Repo.read("deploy/README.md").contains(build), "deploy/README.md lacks: " + build);
    }
}
