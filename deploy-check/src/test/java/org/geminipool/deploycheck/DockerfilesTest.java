package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/docker/Dockerfile: built from source in two stages, pinned bases, fast-jar layers, non-root, no secrets. */
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

    static final String DOCKERFILE = "deploy/docker/Dockerfile";

    /** The stages: FROM image AS name, with their instructions. */
    record Stage(String image, String name, List<Instruction> instructions) {
    }

    static List<Stage> stages(List<Instruction> ins) {
        List<Stage> out = new ArrayList<>();
        for (Instruction i : ins) {
            if (i.keyword().equals("FROM")) {
                String[] parts = i.args().split("\\s+");
                assertEquals(3, parts.length, "FROM <image> AS <name>: " + i.args());
                assertTrue(parts[1].equalsIgnoreCase("AS"), "FROM <image> AS <name>: " + i.args());
                out.add(new Stage(parts[0], parts[2], new ArrayList<>()));
            } else if (!out.isEmpty()) {
                out.get(out.size() - 1).instructions().add(i);
            } else {
                assertTrue(i.keyword().equals("ARG"), "only ARG may precede the first FROM");
            }
        }
        return out;
    }

    @Test
    void multiStageBuildFromSourceWithPinnedBasesAndANonRootRuntime() {
        List<Instruction> ins = parse(Repo.read(DOCKERFILE));
        List<Stage> stages = stages(ins);
        assertEquals(List.of("build", "runtime"), stages.stream().map(Stage::name).toList(), "stages");
        for (Stage st : stages) {
            // a tag that is neither missing nor "latest" (digests are fine too)
            assertTrue(st.image().matches("[a-z0-9./-]+(:[A-Za-z0-9._-]+)(@sha256:[0-9a-f]{64})?")
                    && !st.image().endsWith(":latest"), st.name() + ": base image not pinned by tag: " + st.image());
            for (Instruction i : st.instructions()) {
                assertFalse(i.keyword().equals("ADD"), DOCKERFILE + ": use COPY, not ADD");
            }
        }
        Stage build = stages.get(0);
        assertTrue(build.image().startsWith("maven:"), "the build stage runs Maven");
        assertTrue(build.instructions().stream().anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("mvn ")
                && i.args().contains("package") && i.args().contains("-DskipTests")), "the build stage packages");
        // every module of the parent pom is in the build context (Maven reads them all)
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(Repo.read("pom.xml"));
        while (m.find()) {
            String module = m.group(1);
            assertTrue(build.instructions().stream().anyMatch(i -> i.keyword().equals("COPY")
                    && i.args().equals(module + "/ " + module + "/")), "the build stage does not copy module " + module);
        }
        Stage runtime = stages.get(1);
        assertTrue(runtime.image().startsWith("eclipse-temurin:17-jre"), "the runtime is a JRE: " + runtime.image());
        for (String part : List.of("lib/", "*.jar", "app/", "quarkus/")) {
            assertTrue(runtime.instructions().stream().anyMatch(i -> i.keyword().equals("COPY")
                    && i.args().startsWith("--from=build ") && i.args().contains("target/quarkus-app/" + part)),
                    "the runtime does not copy the fast-jar's " + part + " from the build stage (own layer)");
        }
        String user = null;
        Instruction healthcheck = null;
        for (Instruction i : runtime.instructions()) {
            switch (i.keyword()) {
                case "USER" -> user = i.args();
                case "HEALTHCHECK" -> healthcheck = i;
                default -> {
                }
            }
        }
        assertNotNull(user, "the runtime sets no USER");
        assertFalse(user.matches("(root|0)(:.*)?"), "the runtime runs as root");
        assertNotNull(healthcheck, "no HEALTHCHECK");
        assertTrue(healthcheck.args().contains("/q/health/ready"), "HEALTHCHECK does not use the readiness endpoint");
        assertTrue(healthcheck.args().contains("${QUARKUS_HTTP_PORT:-$APP_PORT}"), "HEALTHCHECK port");
        assertTrue(runtime.instructions().stream().anyMatch(i -> i.keyword().equals("EXPOSE") && i.args().equals("${PORT}")));
        assertTrue(runtime.instructions().stream().anyMatch(i -> i.keyword().equals("ENV")
                && i.args().contains("QUARKUS_HTTP_HOST=0.0.0.0")), "in a container the service listens on its interfaces");
        Instruction last = ins.get(ins.size() - 1);
        assertEquals("ENTRYPOINT", last.keyword());
        assertTrue(last.args().contains("/opt/gemini-pool/entrypoint.sh"));
        assertTrue(runtime.instructions().stream().anyMatch(i -> i.keyword().equals("COPY")
                && i.args().contains("deploy/jvm/common.options") && i.args().contains("deploy/jvm/${SERVICE}.options")),
                "the image carries the memory budget");
    }

    @Test
    void noSecretsInTheImageOrItsBuildContext() {
        List<Instruction> ins = parse(Repo.read(DOCKERFILE));
        for (Instruction i : ins) {
            if (i.keyword().equals("ENV") || i.keyword().equals("ARG")) {
                assertFalse(i.args().matches("(?s).*(TOKEN|PASSWORD|ENCRYPTION_KEY|API_KEY)\\w*=.*"),
                        "a secret in " + i.keyword() + ": " + i.args());
            }
            if (i.keyword().equals("COPY")) {
                assertFalse(i.args().matches("(?s)(.*[\\s/])?\\.env(\\s.*)?") || i.args().contains("secrets"),
                        "COPY of a secret: " + i.args());
                assertFalse(i.args().matches("\\.\\s.*"), "COPY . copies everything, secrets included");
            }
        }
        List<String> ignored = Repo.read(".dockerignore").lines().map(String::strip).toList();
        for (String must : List.of("deploy/.env", "deploy/secrets", "**/target", ".git", "data")) {
            assertTrue(ignored.contains(must), ".dockerignore lacks " + must);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "keypool-service", "usage-service"})
    void theBuildCommandOfEachServiceIsDocumented(String service) {
        String build = "docker build -f " + DOCKERFILE + " --build-arg SERVICE=" + service + " --build-arg PORT="
                + Repo.httpPort(service) + " -t gemini-pool/" + service + " .";
        assertTrue(Repo.read(DOCKERFILE).contains(build), DOCKERFILE + " lacks: " + build);
        assertTrue(Repo.read("deploy/README.md").contains(build), "deploy/README.md lacks: " + build);
        assertFalse(Files.exists(Repo.path(service + "/src/main/docker/Dockerfile.jvm")),
                "one Dockerfile for all: " + service + "/src/main/docker/Dockerfile.jvm is a second way to build");
    }

    /** The entrypoint turns the service's own secret files into env variables and starts java with the budget. */
    @Test
    void entrypointLoadsSecretFilesAndStartsTheJvmWithTheBudget(@TempDir Path tmp) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fakeJava = bin.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\necho \"ARGS $*\"\nenv | grep -E '^(GEMINI_POOL_|OPENROUTER_|bad)' | sort\n");
        fakeJava.toFile().setExecutable(true);
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        Files.writeString(secrets.resolve("GEMINI_POOL_INTERNAL_TOKEN"), "internal-from-file");
        Files.writeString(secrets.resolve("GEMINI_POOL_ADMIN_TOKEN"), "admin-from-file");
        Files.writeString(secrets.resolve("bad;name"), "x");
        Files.writeString(secrets.resolve("PATH"), "/nowhere");
        ProcessBuilder b = new ProcessBuilder("sh", Repo.path("deploy/docker/entrypoint.sh").toString(), "--extra")
                .redirectErrorStream(true);
        b.environment().keySet().removeIf(n -> n.startsWith("GEMINI_POOL_"));
        b.environment().put("PATH", bin + ":" + b.environment().get("PATH"));
        b.environment().put("SECRETS_DIR", secrets.toString());
        b.environment().put("APP_SERVICE", "gateway-service");
        b.environment().put("JAVA_OPTS", "-Xmx300m -Dx=y");
        b.environment().put("GEMINI_POOL_ADMIN_TOKEN", "admin-from-env");
        b.environment().put("GEMINI_POOL_MAX_ATTEMPTS", "");      // compose passes unset settings as empty
        b.environment().put("GEMINI_POOL_LEASE_TTL", "7M");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ARGS @/opt/gemini-pool/jvm/common.options @/opt/gemini-pool/jvm/gateway-service.options"
                + " -Xmx300m -Dx=y -jar /opt/gemini-pool/app/quarkus-run.jar --extra"), out);
        assertTrue(out.contains("GEMINI_POOL_INTERNAL_TOKEN=internal-from-file"), out);
        assertTrue(out.contains("GEMINI_POOL_ADMIN_TOKEN=admin-from-env"), "a set variable wins over the file: " + out);
        assertTrue(out.contains("ignoring") && !out.contains("/nowhere"), "only Gemini Pool secrets are loaded: " + out);
        assertFalse(out.contains("GEMINI_POOL_MAX_ATTEMPTS"), "an empty setting must be dropped (its default applies): " + out);
        assertTrue(out.contains("GEMINI_POOL_LEASE_TTL=7M"), out);
    }
}
