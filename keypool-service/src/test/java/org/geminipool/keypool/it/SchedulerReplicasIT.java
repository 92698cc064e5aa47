package org.geminipool.keypool.it;

import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.testsupport.ServiceProcess;
import org.geminipool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.geminipool.keypool.it.TwoReplicasIT.ADMIN;
import static org.geminipool.keypool.it.TwoReplicasIT.INTERNAL;
import static org.geminipool.keypool.it.TwoReplicasIT.rawKey;
import static org.geminipool.keypool.it.TwoReplicasIT.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged replicas whose re-validation job fires once, some seconds after start, on both: the simulator must
 * see exactly one probe per banned key (one replica runs the tick, the other skips it).
 */
class SchedulerReplicasIT {

    static final String DB = "gp_it_keypool_sched";
    static final String JOB = "revalidate-banned-keys";
    static GeminiSimulator simulator;
    static ServiceProcess a;
    static ServiceProcess b;

    @BeforeAll
    static void start() {
        simulator = GeminiSimulator.start(0);
        TestDatabase.recreate(DB);
        Map<String, String> config = new HashMap<>(TwoReplicasIT.config());
        config.putAll(TestDatabase.quarkusDatasource(DB));
        config.put("gemini-pool.gemini-base-url", simulator.baseUrl());
        config.put("gemini-pool.revalidate.every", "1h");
        config.put("gemini-pool.revalidate.delay", "25s"); // time to start both replicas and ban the keys first
        a = ServiceProcess.start("keypool-service", config);
        b = ServiceProcess.start("keypool-service", config);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, simulator}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void eachTickProbesEachBannedKeyOnceAcrossTwoReplicas() throws Exception {
        String pool = "p-" + UUID.randomUUID().toString().substring(0, 8);
        String model = "m-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> raws = List.of(rawKey(), rawKey(), rawKey());
        simulator.addKey(raws.get(0), null, KeyStatus.VALID);
        simulator.addKey(raws.get(1), null, KeyStatus.SUSPENDED);
        simulator.addKey(raws.get(2), null, KeyStatus.SUSPENDED);
        assertEquals(200, send(a.baseUrl(), "PUT", "/admin/quotas/" + model, ADMIN, "application/json",
                "{\"rpm\":10,\"rpd\":10}").statusCode());
        assertEquals(200, send(a.baseUrl(), "POST", "/admin/keys/import?pool=" + pool, ADMIN, "text/plain",
                String.join("\n", raws)).statusCode());
        // Ban all three through the lease/outcome path (least-used selection gives each project one lease).
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> lease = send(b.baseUrl(), "POST", "/leases", INTERNAL, "application/json",
                    "{\"pool\":\"" + pool + "\",\"model\":\"" + model + "\"}");
            assertEquals(200, lease.statusCode(), lease.body());
            Matcher m = Pattern.compile("\"leaseId\":\"([^\"]+)\"").matcher(lease.body());
            assertTrue(m.find());
            assertEquals(204, send(b.baseUrl(), "POST", "/leases/" + m.group(1) + "/outcome", INTERNAL,
                    "application/json", "{\"outcome\":\"INVALID_KEY\"}").statusCode());
        }
        String banned = send(a.baseUrl(), "GET", "/admin/keys?state=BANNED&pool=" + pool, ADMIN, null, null).body();
        assertEquals(3, banned.split("\"id\"").length - 1, "all three banned before the first tick: " + banned);

        // Wait (bounded) until the job has fired on both replicas.
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (jobRuns(a) + jobRuns(b) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertEquals(2, jobRuns(a) + jobRuns(b), "both replicas fired their tick");
        String results = metricLines(a) + metricLines(b);
        assertTrue(results.contains("result=\"RAN\""), results);
        assertTrue(results.contains("result=\"RAN_RECENTLY\"") || results.contains("result=\"LOCKED\""), results);
        for (String raw : raws) {
            assertEquals(1, simulator.accepted(raw) + simulator.refused(raw), "one probe per banned key per tick");
        }
        String after = send(a.baseUrl(), "GET", "/admin/keys?pool=" + pool, ADMIN, null, null).body();
        assertEquals(1, after.split("\"state\":\"ACTIVE\"").length - 1, after);
        assertEquals(2, after.split("\"state\":\"BANNED\"").length - 1, after);
    }

    @Test
    void refusesToStartWithoutAnEncryptionKey() throws Exception {
        Map<String, String> config = new HashMap<>(TwoReplicasIT.config());
        config.putAll(TestDatabase.quarkusDatasource(DB));
        config.put("gemini-pool.encryption-key", "");
        assertThrows(IllegalStateException.class, () -> ServiceProcess.start("keypool-service", config).close());
        boolean found = false;
        try (Stream<Path> logs = Files.list(Path.of("target", "service-logs"))) {
            for (Path log : logs.toList()) {
                found |= Files.readString(log).contains("GEMINI_POOL_ENCRYPTION_KEY is not set");
            }
        }
        assertTrue(found, "the log names the missing setting");
    }

    static int jobRuns(ServiceProcess replica) throws Exception {
        int n = 0;
        for (String line : metricLines(replica).split("\n")) {
            if (!line.isBlank()) {
                n += (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    static String metricLines(ServiceProcess replica) throws Exception {
        String metrics = send(replica.baseUrl(), "GET", "/q/metrics", "none", null, null).body();
        List<String> lines = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("keypool_job_runs_total{") && line.contains("job=\"" + JOB + "\"")) {
                lines.add(line);
            }
        }
        return String.join("\n", lines) + "\n";
    }
}
