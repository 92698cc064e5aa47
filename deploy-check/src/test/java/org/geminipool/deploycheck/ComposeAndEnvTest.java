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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/docker-compose.yml and deploy/.env.example against the README table and the services. */
class ComposeAndEnvTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String where) {
        assertTrue(o instanceof Map, where + " is not a mapping");
        return (Map<String, Object>) o;
    }

    static Map<String, Object> compose() {
        return Repo.yamlMap("deploy/docker-compose.yml");
    }

    static Map<String, Object> service(String name) {
        return map(map(compose().get("services"), "services").get(name), "service " + name);
    }

    /** .env.example: variable (set, or shown commented out as "#VAR=default") to the comment lines above it. */
    static Map<String, String> envExample() {
        Map<String, String> vars = new LinkedHashMap<>();
        StringBuilder comment = new StringBuilder();
        int n = 0;
        for (String line : Repo.read("deploy/.env.example").split("\n")) {
            n++;
            if (line.isBlank()) {
                comment.setLength(0);
            } else if (line.matches("#\\s?[A-Z][A-Z0-9_]*=.*")) {
                // an optional setting shown commented out with its default: documented, not set
                String var = line.substring(1).strip();
                var = var.substring(0, var.indexOf('='));
                assertFalse(vars.containsKey(var), ".env.example shows " + var + " twice");
                vars.put(var, comment.toString());
            } else if (line.startsWith("#")) {
                comment.append(line.substring(1).strip()).append(' ');
            } else {
                assertTrue(line.matches("[A-Z][A-Z0-9_]*=[^\\s\"']*"),
                        ".env.example:" + n + " is not a plain KEY=value line (compose and systemd both read it): " + line);
                String var = line.substring(0, line.indexOf('='));
                assertFalse(vars.containsKey(var), ".env.example sets " + var + " twice");
                vars.put(var, comment.toString());
            }
        }
        return vars;
    }

    @Test
    void composeHasMysql8WithHealthCheckVolumeSmallVmProfileAndTheServices() {
        Map<String, Object> compose = compose();
        Map<String, Object> services = map(compose.get("services"), "services");
        assertEquals(Set.of("secrets", "mysql", "gateway-service", "keypool-service", "usage-service", "caddy"),
                services.keySet());
        Map<String, Object> mysql = service("mysql");
        assertTrue(String.valueOf(mysql.get("image")).startsWith("mysql:8"), "MySQL 8 image");
        Map<String, Object> hc = map(mysql.get("healthcheck"), "mysql healthcheck");
        assertTrue(String.valueOf(hc.get("test")).contains("mysqladmin"), "mysql health check");
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) mysql.get("volumes");
        String data = volumes.stream().filter(v -> v.endsWith(":/var/lib/mysql")).findFirst()
                .orElseThrow(() -> new AssertionError("mysql data is not on a volume"));
        assertTrue(map(compose.get("volumes"), "volumes").containsKey(data.substring(0, data.indexOf(':'))),
                "the mysql data volume is not a named volume");
        String init = volumes.stream().filter(v -> v.contains(":/docker-entrypoint-initdb.d")).findFirst().orElseThrow();
        assertTrue(Files.isRegularFile(Repo.path("deploy").resolve(init.substring(0, init.indexOf(':')))
                .resolve("01-gemini-pool-user.sh")));
        assertTrue(volumes.contains("./mysql/small-vm.cnf:/etc/mysql/conf.d/small-vm.cnf:ro"),
                "mysql does not read the small-VM profile");
        assertTrue(volumes.contains("./secrets/mysql:/run/secrets/gemini-pool:ro"), "mysql's own secrets folder");
        assertFalse(mysql.containsKey("env_file"), "mysql must not read the whole .env");
        assertEquals(Set.of("MYSQL_RANDOM_ROOT_PASSWORD", "GEMINI_POOL_DB_USER"),
                map(mysql.get("environment"), "mysql environment").keySet());
        assertEquals(List.of("backend"), mysql.get("networks"), "mysql is on the internal network only");
        Map<String, Object> networks = map(compose.get("networks"), "networks");
        assertEquals(Boolean.TRUE, map(networks.get("backend"), "backend").get("internal"), "backend must be internal");
    }

    static final Map<String, String> WORD = Map.of("gateway-service", "gateway", "keypool-service", "keypool",
            "usage-service", "usage");

    @Test
    void servicesAreBuiltFromSourceAndGetExactlyTheirOwnSettingsAndSecrets() {
        for (String svc : Repo.SERVICES) {
            Map<String, Object> s = service(svc);
            Map<String, Object> build = map(s.get("build"), svc + " build");
            Path context = Repo.path("deploy").resolve(String.valueOf(build.get("context"))).normalize();
            assertEquals(Repo.ROOT.normalize(), context, svc + ": the build context is the repository root");
            assertEquals("deploy/docker/Dockerfile", build.get("dockerfile"));
            assertTrue(Files.isRegularFile(context.resolve(String.valueOf(build.get("dockerfile")))));
            Map<String, Object> args = map(build.get("args"), svc + " build args");
            assertEquals(svc, args.get("SERVICE"));
            assertEquals(String.valueOf(Repo.httpPort(svc)), String.valueOf(args.get("PORT")));
            assertEquals("gemini-pool/" + svc + ":latest", s.get("image"));
            assertFalse(s.containsKey("env_file"), svc + " must not read the whole .env (least privilege)");
            @SuppressWarnings("unchecked")
            Map<String, Object> env = (Map<String, Object>) s.getOrDefault("environment", Map.of());
            Set<String> settings = new java.util.TreeSet<>(env.keySet());
            settings.removeIf(v -> v.startsWith("QUARKUS_") || v.equals("JAVA_OPTS"));
            String word = WORD.get(svc);
            Set<String> secrets = Repo.secretsInitList("SECRETS_" + word);
            assertEquals(Repo.secretsInitList("SETTINGS_" + word), settings,
                    svc + ": compose environment differs from SETTINGS_" + word + " of deploy/secrets-init.sh");
            for (String secret : secrets) {
                assertFalse(env.containsKey(secret), svc + ": secret " + secret + " must come as a file, not env");
            }
            Set<String> all = new java.util.TreeSet<>(settings);
            all.addAll(secrets);
            assertEquals(Repo.readmeVarsOf(word), all, svc + ": settings + secrets differ from README's \"used by\"");
            @SuppressWarnings("unchecked")
            List<String> volumes = (List<String>) s.getOrDefault("volumes", List.of());
            assertTrue(volumes.contains("./secrets/" + svc + ":/run/secrets/gemini-pool:ro"), svc + ": own secrets");
            assertEquals(1, volumes.stream().filter(v -> v.startsWith("./secrets")).count(),
                    svc + " mounts another service's secrets");
            assertTrue(String.valueOf(s.get("depends_on")).contains("secrets"), svc + " waits for the secrets");
            @SuppressWarnings("unchecked")
            List<String> ports = (List<String>) s.getOrDefault("ports", List.of());
            int port = Repo.httpPort(svc);
            for (String p : ports) {
                assertTrue(p.endsWith(":" + port), svc + " publishes a port other than its own: " + p);
                if (!svc.equals("gateway-service")) {
                    assertTrue(p.startsWith("127.0.0.1:"), svc + " must be published on loopback only: " + p);
                }
            }
            assertTrue(String.valueOf(s.get("mem_limit")).matches("\\d+m"), svc + ": mem_limit in MB");
            if (svc.equals("gateway-service")) {
                assertEquals(List.of("${GEMINI_POOL_GATEWAY_BIND:-0.0.0.0}:" + port + ":" + port), ports,
                        "the gateway's port is published on GEMINI_POOL_GATEWAY_BIND");
            } else {
                assertEquals("mysql://mysql:3306", env.get("GEMINI_POOL_DB_URL"));
                assertTrue(String.valueOf(s.get("depends_on")).contains("mysql"));
            }
        }
        Map<String, Object> gw = service("gateway-service");
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) gw.get("environment");
        assertEquals("http://keypool-service:" + Repo.httpPort("keypool-service"), env.get("GEMINI_POOL_KEYPOOL_URL"));
        assertEquals("http://usage-service:" + Repo.httpPort("usage-service"), env.get("GEMINI_POOL_USAGE_URL"));
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) gw.get("volumes");
        String routes = String.valueOf(env.get("GEMINI_POOL_ROUTES"));
        String configMount = volumes.stream().filter(v -> routes.startsWith(v.split(":")[1] + "/")).findFirst()
                .orElseThrow(() -> new AssertionError("GEMINI_POOL_ROUTES is not inside a mounted folder"));
        Path hostDir = Repo.path("deploy").resolve(configMount.split(":")[0]).normalize();
        assertTrue(Files.isRegularFile(hostDir.resolve(routes.substring(configMount.split(":")[1].length() + 1))),
                "the routes file is not in " + hostDir);
        assertTrue(volumes.stream().anyMatch(v -> v.split(":")[1].equals(env.get("GEMINI_POOL_SPILL_DIR"))),
                "the spill folder is not a volume");
    }

    @Test
    void theSecretsServiceIsOneShotWithoutNetwork() {
        Map<String, Object> s = service("secrets");
        assertEquals("none", s.get("network_mode"));
        assertEquals("no", String.valueOf(s.get("restart")));
        assertEquals(".env", s.get("env_file"), "the secrets service reads the secrets the user set in .env");
        assertTrue(String.valueOf(s.get("entrypoint")).contains("/deploy/secrets-init.sh"));
        assertFalse(s.containsKey("ports"));
    }

    @Test
    void theHttpsProfilePublishesOnlyTheClientApiAndAnAllowListedConsole() {
        Map<String, Object> caddy = service("caddy");
        assertEquals(List.of("https"), caddy.get("profiles"), "Caddy only with --profile https");
        assertTrue(String.valueOf(caddy.get("image")).matches("caddy:\\d+(\\.\\d+)*"), "Caddy pinned by tag");
        String caddyfile = Repo.read("deploy/caddy/Caddyfile");
        assertTrue(caddyfile.contains("{$GEMINI_POOL_DOMAIN}"), "Caddy serves GEMINI_POOL_DOMAIN");
        assertTrue(caddyfile.contains("@api path /v1/* /v1beta/* /upload/* /ws/*"), "the client API paths");
        assertTrue(caddyfile.contains("remote_ip {$GEMINI_POOL_CONSOLE_ALLOW"), "the console's allow-list");
        assertTrue(caddyfile.contains("respond 404"), "everything else (/q/*) answers 404");
        assertTrue(caddyfile.contains("flush_interval -1"), "streams are not buffered");
        assertFalse(caddyfile.lines().filter(l -> !l.strip().startsWith("#")).anyMatch(l -> l.contains("/q")),
                "no /q/* route through Caddy");
    }

    @Test
    void envExampleCoversTheReadmeTable() {
        Map<String, String> table = Repo.readmeEnvTable();
        Map<String, String> example = envExample();
        for (var e : example.entrySet()) {
            assertTrue(table.containsKey(e.getKey()), ".env.example sets " + e.getKey() + ", which README.md's table lacks");
            assertFalse(e.getValue().isBlank(), ".env.example: " + e.getKey() + " has no comment");
        }
        for (String var : Repo.serviceEnvVars()) {
            assertTrue(example.containsKey(var), ".env.example lacks " + var + " (README: used by " + table.get(var) + ")");
        }
        // secrets stay empty in the template
        for (String line : Repo.read("deploy/.env.example").split("\n")) {
            for (String secret : List.of("TOKEN", "ENCRYPTION_KEY", "PASSWORD", "API_KEY")) {
                if (!line.startsWith("#") && line.contains(secret + "=") ) {
                    assertTrue(line.endsWith("="), ".env.example must not hold a secret value: " + line);
                }
            }
        }
    }

    @Test
    void composeInterpolationOnlyUsesDocumentedVariables() {
        String text = Repo.read("deploy/docker-compose.yml");
        var m = java.util.regex.Pattern.compile("\\$\\{([A-Z0-9_]+)").matcher(text);
        while (m.find()) {
            assertTrue(envExample().containsKey(m.group(1)), "compose uses ${" + m.group(1) + "}, not in .env.example");
        }
        assertTrue(Repo.read(".gitignore").contains(".env") || Repo.read("deploy/.gitignore").lines().anyMatch(".env"::equals),
                "deploy/.env must be git-ignored");
    }

    /** Caddy itself (Debian's caddy package, where installed) accepts the Caddyfile and routes as intended. */
    @Test
    void caddyAcceptsTheCaddyfileAndRoutesOnlyTheApiAndTheAllowListedConsole() throws Exception {
        Path caddy = Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).map(d -> Path.of(d, "caddy"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(caddy != null, "caddy not installed");
        ProcessBuilder b = new ProcessBuilder(caddy.toString(), "adapt", "--config",
                Repo.path("deploy/caddy/Caddyfile").toString(), "--adapter", "caddyfile");
        b.environment().put("GEMINI_POOL_DOMAIN", "gemini.example.com");
        b.environment().put("GEMINI_POOL_CONSOLE_ALLOW", "203.0.113.0/24 10.0.0.0/8");
        b.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = b.start();
        String json = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "caddy adapt timed out");
        assertEquals(0, p.exitValue(), "caddy adapt:\n" + json);
        String compact = json.replaceAll("\\s+", "");
        assertTrue(compact.contains("\"host\":[\"gemini.example.com\"]"), compact);
        assertTrue(compact.contains("\"path\":[\"/v1/*\",\"/v1beta/*\",\"/upload/*\",\"/ws/*\",\"/v1\",\"/v1beta\"]"), compact);
        assertTrue(compact.contains("\"path\":[\"/console\",\"/console/*\"],\"remote_ip\":{\"ranges\":[\"203.0.113.0/24\",\"10.0.0.0/8\"]}"),
                compact);
        assertTrue(compact.contains("\"status_code\":404"), "everything else answers 404: " + compact);
        assertTrue(compact.contains("\"dial\":\"gateway-service:8080\""), compact);
    }

    /** docker compose (v2 plugin) or Debian's docker-compose, where installed, must accept the file. */
    @Test
    void dockerComposeConfigAcceptsTheFile(@TempDir Path tmp) throws Exception {
        List<String> cmd = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "docker-compose"))) {
                cmd = new ArrayList<>(List.of(Path.of(dir, "docker-compose").toString()));
                break;
            }
        }
        assumeTrue(cmd != null, "docker-compose not installed");
        // a scratch copy of deploy/ with a filled .env, and the build contexts it names
        Path deploy = tmp.resolve("deploy");
        try (Stream<Path> files = Files.walk(Repo.path("deploy"))) {
            for (Path f : files.collect(Collectors.toList())) {
                Path target = deploy.resolve(Repo.path("deploy").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().equals(".env")) {
                    Files.copy(f, target);
                }
            }
        }
        // the unchanged template: the one command of the install (secrets are generated at the first start)
        Files.writeString(deploy.resolve(".env"), Repo.read("deploy/.env.example"));
        cmd.addAll(List.of("-f", deploy.resolve("docker-compose.yml").toString(), "--profile", "https", "config", "-q"));
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(deploy.toFile()).redirectErrorStream(true);
        // compose prefers the caller's environment over .env; CI exports GEMINI_POOL_* for the tests themselves
        builder.environment().keySet().removeIf(name -> name.startsWith("GEMINI_POOL_") || name.startsWith("OPENROUTER_")
                || name.equals("GEMINI_BASE_URL"));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "docker-compose config timed out");
        assertEquals(0, p.exitValue(), "docker-compose config:\n" + out);
        assertNotNull(out);
    }
}
