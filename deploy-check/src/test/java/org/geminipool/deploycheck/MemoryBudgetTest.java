package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The memory budget (deploy/README.md): one set of JVM argument files in deploy/jvm, used by run.sh, the image,
 * systemd and the bench; the limits of compose, systemd and k8s above what the JVM may take, the k8s requests at
 * least the measured footprint; keypool and usage never listen publicly.
 */
class MemoryBudgetTest {

    /** JVM options of an argument file: "-Xmx128m" → Xmx=128m, "-XX:MaxMetaspaceSize=64m" → MaxMetaspaceSize=64m. */
    static Map<String, String> options(String file) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Repo.read(file).split("\n")) {
            String o = line.replaceAll("#.*", "").strip();
            if (o.isEmpty()) {
                continue;
            }
            assertTrue(o.startsWith("-"), file + ": not an option: " + o);
            Matcher m = Pattern.compile("-(Xm[xs]|Xss)(\\S+)").matcher(o);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            } else if (o.startsWith("-XX:") && o.contains("=")) {
                out.put(o.substring(4, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
            } else {
                out.put(o, "");
            }
        }
        return out;
    }

    static long mb(String size) {
        Matcher m = Pattern.compile("(\\d+)([kKmMgG])").matcher(size);
        assertTrue(m.matches(), "size " + size);
        long n = Long.parseLong(m.group(1));
        return switch (Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> Math.max(1, n / 1024);
            case 'g' -> n * 1024;
            default -> n;
        };
    }

    /** What the JVM's bounded regions may take: heap, metaspace, compressed class space, code cache, direct buffers. */
    static long boundedMb(String service) {
        Map<String, String> all = new LinkedHashMap<>(options("deploy/jvm/common.options"));
        all.putAll(options("deploy/jvm/" + service + ".options"));
        long total = 0;
        for (String region : List.of("Xmx", "MaxMetaspaceSize", "ReservedCodeCacheSize", "MaxDirectMemorySize")) {
            assertNotNull(all.get(region), service + ": the budget does not bound " + region);
            total += mb(all.get(region));
        }
        return total;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "keypool-service", "usage-service"})
    void theBudgetIsComplete(String service) {
        Map<String, String> common = options("deploy/jvm/common.options");
        for (String o : List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")) {
            assertTrue(Repo.read("deploy/jvm/common.options").contains(o + "\n"), "common.options lacks " + o);
        }
        assertNotNull(common.get("Xss"), "thread stacks");
        assertNotNull(common.get("ReservedCodeCacheSize"), "code cache");
        Map<String, String> own = options("deploy/jvm/" + service + ".options");
        for (String o : List.of("Xmx", "Xms", "MaxMetaspaceSize", "MaxDirectMemorySize")) {
            assertNotNull(own.get(o), service + ".options lacks " + o);
        }
        assertTrue(boundedMb(service) <= 288, service + ": bounded regions " + boundedMb(service) + " MB");
    }

    /** The JVM of this machine accepts the argument files as they are. */
    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "keypool-service", "usage-service", "local-db"})
    void javaAcceptsTheArgumentFiles(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = name.equals("local-db")
                ? List.of(java, "@" + Repo.path("deploy/jvm/local-db.options"), "-version")
                : List.of(java, "@" + Repo.path("deploy/jvm/common.options"),
                        "@" + Repo.path("deploy/jvm/" + name + ".options"), "-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
    }

    @Test
    void everyLauncherUsesTheSameArgumentFiles() {
        String runSh = Repo.read("run.sh");
        assertTrue(runSh.contains("java @\"$ROOT/deploy/jvm/common.options\" @\"$ROOT/deploy/jvm/$name.options\" ${JAVA_OPTS:-} -jar"),
                "run.sh does not start the services with deploy/jvm (then JAVA_OPTS)");
        assertTrue(runSh.contains("java @\"$ROOT/deploy/jvm/local-db.options\""), "run.sh's embedded database JVM");
        assertTrue(runSh.contains("deploy/jvm/native.env"), "run.sh sets MALLOC_ARENA_MAX from deploy/jvm/native.env");
        String entrypoint = Repo.read("deploy/docker/entrypoint.sh");
        assertTrue(entrypoint.contains("exec java @/opt/gemini-pool/jvm/common.options \"@/opt/gemini-pool/jvm/$APP_SERVICE.options\" ${JAVA_OPTS:-}"),
                "the image's entrypoint");
        assertTrue(entrypoint.contains("/opt/gemini-pool/jvm/native.env"), "the image reads native.env");
        assertTrue(Repo.read("deploy/docker/Dockerfile").contains("COPY deploy/jvm/common.options deploy/jvm/${SERVICE}.options deploy/jvm/native.env /opt/gemini-pool/jvm/"),
                "the image copies the budget");
        String bench = Repo.read("bench/memory/run.sh");
        assertTrue(bench.contains("java @\"$ROOT/deploy/jvm/common.options\" @\"$ROOT/deploy/jvm/$m.options\" ${JAVA_OPTS:-}"),
                "bench/memory measures the same settings");
        assertTrue(Repo.read("deploy/jvm/native.env").lines().anyMatch(l -> l.matches("MALLOC_ARENA_MAX=\\d+")));
        assertTrue(Repo.read("deploy/jvm/local-db.options").contains("-Dgemini-pool.local-db.options-file=deploy/mysql/small-vm.cnf"),
                "run.sh's embedded MariaDB takes the small-VM profile");
    }

    @Test
    void limitsAreAboveTheBoundedRegionsAndRequestsAtLeastTheMeasuredFootprint() {
        Map<String, Long> measured = measuredPeakRssMb();
        for (String svc : Repo.SERVICES) {
            long bounded = boundedMb(svc);
            long compose = mb(String.valueOf(ComposeAndEnvTest.service(svc).get("mem_limit")));
            assertTrue(compose >= bounded, svc + ": compose mem_limit " + compose + " MB < " + bounded + " MB");
            String word = svc.substring(0, svc.indexOf('-'));
            var unit = SystemdUnitsTest.parseIni(Repo.read("deploy/systemd/gemini-pool-" + word + ".service"), svc);
            long systemd = mb(SystemdUnitsTest.single(unit, "Service", "MemoryMax", svc));
            assertTrue(systemd >= bounded, svc + ": systemd MemoryMax " + systemd + " MB < " + bounded + " MB");
            KubernetesManifestsTest.render();
            var resources = KubernetesManifestsTest.podSpec(KubernetesManifestsTest.workload(svc))
                    .getContainers().get(0).getResources();
            long limit = Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValue() >> 20;
            long request = Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValue() >> 20;
            assertTrue(limit >= bounded, svc + ": k8s memory limit " + limit + " MiB < " + bounded + " MB");
            Long peak = measured.get(svc);
            assertNotNull(peak, "bench/memory/README.md has no measured figure for " + svc);
            assertTrue(request >= peak, svc + ": k8s memory request " + request + " MiB below the measured " + peak + " MB");
            assertTrue(compose >= peak && systemd >= peak, svc + ": a limit below the measured footprint");
        }
    }

    /** bench/memory/README.md's table of the last measurement: "| gateway | start | peak | ...". */
    static Map<String, Long> measuredPeakRssMb() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : Repo.read("bench/memory/README.md").split("\n")) {
            Matcher m = Pattern.compile("\\|\\s*(gateway|keypool|usage)\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)\\s*\\|.*").matcher(line);
            if (m.matches()) {
                out.putIfAbsent(m.group(1) + "-service", Long.parseLong(m.group(2)));
            }
        }
        return out;
    }

    @Test
    void theMeasuredFiguresAreInTheMainReadmeToo() {
        String bench = Repo.read("bench/memory/README.md");
        Matcher m = Pattern.compile("\\*\\*three services \\+ mariadbd\\*\\* \\| \\| \\*\\*(\\d+)\\*\\*").matcher(bench);
        assertTrue(m.find(), "bench/memory/README.md has no total row");
        assertTrue(Repo.read("README.md").contains(m.group(1) + " MB"), "README.md does not quote the measured total "
                + m.group(1) + " MB of bench/memory/README.md");
    }

    @ParameterizedTest
    @ValueSource(strings = {"keypool-service", "usage-service"})
    void keypoolAndUsageListenOnLoopbackOutsideContainers(String svc) {
        assertEquals("127.0.0.1", Repo.applicationProperties(svc).getProperty("%prod.quarkus.http.host"),
                svc + " must not listen publicly outside a container");
        assertTrue(Repo.applicationProperties(svc).getProperty("quarkus.http.host") == null,
                svc + ": an unprefixed quarkus.http.host would override the loopback default");
    }

    @Test
    void theSmallVmDatabaseProfileIsTheOneK8sAndComposeUse() {
        String cnf = Repo.read("deploy/mysql/small-vm.cnf");
        for (String needle : List.of("innodb_buffer_pool_size", "performance_schema = OFF", "max_connections")) {
            assertTrue(cnf.contains(needle), "small-vm.cnf lacks " + needle);
        }
        KubernetesManifestsTest.render();
        var cm = KubernetesManifestsTest.one(io.fabric8.kubernetes.api.model.ConfigMap.class, "mysql-config");
        assertEquals(cnf, cm.getData().get("small-vm.cnf"), "k8s/mysql.yaml's mysql-config differs from small-vm.cnf");
    }
}
