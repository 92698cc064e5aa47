package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** deploy/systemd: one unit per service, valid INI, running the service's fast-jar as a non-root user. */
class SystemdUnitsTest {

    /** section to key to values (systemd allows repeated keys). */
    static Map<String, Map<String, List<String>>> parseIni(String text, String where) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        String pending = "";
        int n = 0;
        for (String raw : text.split("\n")) {
            n++;
            String line = pending + raw.strip();
            if (line.endsWith("\\")) {
                pending = line.substring(0, line.length() - 1) + " ";
                continue;
            }
            pending = "";
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                assertTrue(line.endsWith("]"), where + ":" + n + " bad section header");
                String name = line.substring(1, line.length() - 1);
                assertFalse(sections.containsKey(name), where + ":" + n + " duplicate section " + name);
                current = new LinkedHashMap<>();
                sections.put(name, current);
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0, where + ":" + n + " is not key=value: " + line);
            assertNotNull(current, where + ":" + n + " key outside a section");
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return sections;
    }

    static String single(Map<String, Map<String, List<String>>> ini, String section, String key, String where) {
        List<String> v = ini.getOrDefault(section, Map.of()).get(key);
        assertNotNull(v, where + ": no " + section + "." + key);
        assertEquals(1, v.size(), where + ": " + section + "." + key + " repeated");
        return v.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway", "keypool", "usage"})
    void unitRunsTheServiceJar(String name) {
        String file = "deploy/systemd/gemini-pool-" + name + ".service";
        String where = file;
        var ini = parseIni(Repo.read(file), where);
        assertEquals(List.of("Unit", "Service", "Install"), new ArrayList<>(ini.keySet()), where + " sections");
        String exec = single(ini, "Service", "ExecStart", where);
        String[] argv = exec.split("\\s+");
        assertTrue(argv[0].startsWith("/") && argv[0].endsWith("/java"), where + ": ExecStart must start with an absolute java");
        String jar = "/opt/gemini-pool/" + name + "-service/quarkus-run.jar";
        int jarFlag = List.of(argv).indexOf("-jar");
        assertTrue(jarFlag > 0 && argv[jarFlag + 1].equals(jar), where + ": ExecStart does not run " + jar);
        // the memory budget first, then JAVA_OPTS (overrides), then the jar
        assertEquals(List.of("@/opt/gemini-pool/deploy/jvm/common.options",
                "@/opt/gemini-pool/deploy/jvm/" + name + "-service.options", "$JAVA_OPTS", "-jar"),
                List.of(argv).subList(1, jarFlag + 1), where + ": ExecStart arguments");
        String user = single(ini, "Service", "User", where);
        assertFalse(user.equals("root") || user.equals("0"), where + " runs as root");
        // one user per service: systemd creates it for this unit alone
        assertEquals("gemini-pool-" + name, user, where + ": a user of its own");
        assertEquals("yes", single(ini, "Service", "DynamicUser", where));
        // one settings file per service (deploy/secrets-init.sh systemd), after the JVM's native settings
        assertEquals(List.of("/opt/gemini-pool/deploy/jvm/native.env", "/etc/gemini-pool/" + name + ".env"),
                ini.get("Service").get("EnvironmentFile"), where + ": EnvironmentFile");
        assertTrue(single(ini, "Service", "MemoryMax", where).matches("\\d+M"), where + ": MemoryMax");
        for (String hardening : List.of("NoNewPrivileges", "PrivateTmp", "PrivateDevices", "ProtectHome",
                "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID",
                "LockPersonality", "RestrictNamespaces")) {
            assertEquals("yes", single(ini, "Service", hardening, where), where + ": " + hardening);
        }
        assertEquals("strict", single(ini, "Service", "ProtectSystem", where));
        assertEquals("", single(ini, "Service", "CapabilityBoundingSet", where), where + ": no capabilities");
        assertEquals("143", single(ini, "Service", "SuccessExitStatus", where), "a JVM stopped by SIGTERM exits with 143");
        assertTrue(single(ini, "Service", "Restart", where).startsWith("on-"), where + " Restart");
        assertEquals("multi-user.target", single(ini, "Install", "WantedBy", where));
        for (String env : ini.get("Service").getOrDefault("Environment", List.of())) {
            String var = env.substring(0, env.indexOf('='));
            assertTrue(Repo.readmeEnvTable().containsKey(var) || var.startsWith("QUARKUS_"), where + ": " + var
                    + " is not in README.md's table");
        }
        for (String token : argv) {
            if (token.startsWith("$")) {
                assertTrue(Repo.readmeEnvTable().containsKey(token.replaceAll("[${}]", "")), where + ": " + token);
            }
        }
        if (name.equals("gateway")) {
            String after = single(ini, "Unit", "After", where);
            assertTrue(after.contains("gemini-pool-keypool.service"), "the gateway starts after keypool");
            assertEquals("gemini-pool/spill", single(ini, "Service", "StateDirectory", where),
                    "the gateway's spill folder (GEMINI_POOL_SPILL_DIR of .env.example)");
            assertTrue(Repo.read("deploy/.env.example").contains("GEMINI_POOL_SPILL_DIR=/var/lib/gemini-pool/spill"));
        } else {
            assertFalse(ini.get("Service").containsKey("StateDirectory"), where + " writes nothing but /tmp");
        }
    }

    /** systemd-analyze verify, where systemd is installed (CI machines usually have it). */
    @ParameterizedTest
    @ValueSource(strings = {"gateway", "keypool", "usage"})
    void systemdAnalyzeVerifyAcceptsTheUnit(String name) throws Exception {
        Path analyze = Stream.of("/usr/bin/systemd-analyze", "/bin/systemd-analyze").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(analyze != null, "systemd-analyze not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "verify checks that /usr/bin/java exists");
        Path unit = Repo.path("deploy/systemd/gemini-pool-" + name + ".service");
        Process p = new ProcessBuilder(analyze.toString(), "verify", "--man=no", unit.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        // messages about other units (the machine's own) are not ours; only lines naming this unit count
        String ours = Stream.of(out.split("\n")).filter(l -> l.contains("gemini-pool-" + name))
                .reduce("", (a, b) -> a + b + "\n");
        assertTrue(ours.isBlank(), "systemd-analyze verify:\n" + out);
        assertEquals(0, p.exitValue(), "systemd-analyze verify:\n" + out);
    }
}
