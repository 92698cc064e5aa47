package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/secrets-init.sh: each service (compose folder, systemd file) gets exactly the secrets and settings it reads. */
class SecretsInitTest {

    static final List<String> WORDS = List.of("gateway", "keypool", "usage");

    static String run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", Repo.path("deploy/secrets-init.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
        b.environment().keySet().removeIf(n -> n.startsWith("GEMINI_POOL_") || n.startsWith("OPENROUTER_"));
        b.environment().putAll(env);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "secrets-init.sh timed out");
        return p.exitValue() + ":" + out;
    }

    static Set<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void secretListsAreTheReadmeSecretsOfEachService() {
        Set<String> secretNames = Set.of("GEMINI_POOL_CLIENT_TOKENS", "GEMINI_POOL_ADMIN_TOKEN",
                "GEMINI_POOL_INTERNAL_TOKEN", "GEMINI_POOL_ENCRYPTION_KEY", "GEMINI_POOL_DB_PASSWORD", "OPENROUTER_API_KEY");
        for (String word : WORDS) {
            Set<String> expected = new TreeSet<>(Repo.readmeVarsOf(word));
            expected.retainAll(secretNames);
            assertEquals(expected, Repo.secretsInitList("SECRETS_" + word), "SECRETS_" + word);
            Set<String> settings = new TreeSet<>(Repo.readmeVarsOf(word));
            settings.removeAll(secretNames);
            assertEquals(settings, Repo.secretsInitList("SETTINGS_" + word), "SETTINGS_" + word);
        }
        // the internet-facing gateway never holds what protects the stored keys
        assertTrue(!Repo.secretsInitList("SECRETS_gateway").contains("GEMINI_POOL_ENCRYPTION_KEY")
                && !Repo.secretsInitList("SECRETS_gateway").contains("GEMINI_POOL_DB_PASSWORD"));
        assertEquals(Set.of("GEMINI_POOL_DB_PASSWORD"), Repo.secretsInitList("SECRETS_mysql"));
    }

    @Test
    void composeModeWritesOneFolderPerServiceWithOnlyItsSecretsAndKeepsGeneratedOnes(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("secrets");
        String out = run(Map.of("GEMINI_POOL_ADMIN_TOKEN", "admin-from-env"), "compose", dir.toString());
        assertTrue(out.startsWith("0:"), out);
        Map<String, String> first = new LinkedHashMap<>();
        for (String word : List.of("gateway", "keypool", "usage", "mysql")) {
            Path folder = dir.resolve(word.equals("mysql") ? "mysql" : word + "-service");
            Set<String> expected = new TreeSet<>(Repo.secretsInitList("SECRETS_" + word));
            expected.remove("OPENROUTER_API_KEY");   // optional and not set: no file
            assertEquals(expected, names(folder), folder + " holds other secrets");
            for (String name : expected) {
                String value = Files.readString(folder.resolve(name));
                assertTrue(!value.isBlank(), folder + "/" + name + " is empty");
                String before = first.putIfAbsent(name, value);
                if (before != null) {
                    assertEquals(before, value, name + " differs between services");
                }
            }
        }
        assertEquals("admin-from-env", first.get("GEMINI_POOL_ADMIN_TOKEN"), "a secret set in .env is used as it is");
        assertTrue(first.get("GEMINI_POOL_CLIENT_TOKENS").matches("gp-[0-9a-f]{48}"));
        assertEquals(32, java.util.Base64.getDecoder().decode(first.get("GEMINI_POOL_ENCRYPTION_KEY").trim()).length);
        // a second start keeps the generated values (the encryption key above all) and picks up a new .env value
        out = run(Map.of("OPENROUTER_API_KEY", "sk-or-test"), "compose", dir.toString());
        assertTrue(out.startsWith("0:"), out);
        assertEquals(first.get("GEMINI_POOL_ENCRYPTION_KEY"),
                Files.readString(dir.resolve("keypool-service/GEMINI_POOL_ENCRYPTION_KEY")));
        assertEquals("sk-or-test", Files.readString(dir.resolve("gateway-service/OPENROUTER_API_KEY")));
        assertNotEquals("admin-from-env", Files.readString(dir.resolve("usage-service/GEMINI_POOL_ADMIN_TOKEN")));
        assertTrue(!names(dir.resolve("keypool-service")).contains("OPENROUTER_API_KEY"));
    }

    @Test
    void systemdModeSplitsTheSettingsFileIntoOneFilePerService(@TempDir Path tmp) throws Exception {
        // every variable of the template, filled
        StringBuilder settings = new StringBuilder();
        for (String var : ComposeAndEnvTest.envExample().keySet()) {
            settings.append(var).append('=').append("v-").append(var.toLowerCase()).append('\n');
        }
        Path file = tmp.resolve("settings.env");
        Files.writeString(file, settings.toString());
        Path out = tmp.resolve("etc");
        // one optional setting left empty: left out (its default applies)
        Files.writeString(file, settings.toString().replace("GEMINI_POOL_MAX_ATTEMPTS=v-gemini_pool_max_attempts\n",
                "GEMINI_POOL_MAX_ATTEMPTS=\n"));
        String result = run(Map.of(), "systemd", file.toString(), out.toString());
        assertTrue(result.startsWith("0:"), result);
        for (String word : WORDS) {
            Map<String, String> vars = new LinkedHashMap<>();
            for (String line : Files.readAllLines(out.resolve(word + ".env"))) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    vars.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
            Set<String> expected = new TreeSet<>(Repo.readmeVarsOf(word));
            expected.retainAll(ComposeAndEnvTest.envExample().keySet());
            expected.remove("GEMINI_POOL_MAX_ATTEMPTS");
            assertEquals(expected, new TreeSet<>(vars.keySet()), word + ".env holds exactly what " + word + " reads");
            vars.forEach((k, v) -> assertEquals("v-" + k.toLowerCase(), v));
            assertEquals(Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(out.resolve(word + ".env")), word + ".env must be private");
        }
    }

    @Test
    void systemdModeRefusesEmptyRequiredSecrets(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("settings.env");
        Files.writeString(file, Repo.read("deploy/.env.example"));
        String result = run(Map.of(), "systemd", file.toString(), tmp.resolve("etc").toString());
        assertTrue(result.startsWith("1:") && result.contains("GEMINI_POOL_ENCRYPTION_KEY"), result);
        assertTrue(!Files.exists(tmp.resolve("etc/keypool.env")), "nothing is written");
    }
}
