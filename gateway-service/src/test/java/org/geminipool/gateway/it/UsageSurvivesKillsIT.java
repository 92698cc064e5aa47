package org.geminipool.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.testsupport.FakeKeys;
import org.geminipool.testsupport.GeminiSimulatorTestResource;
import org.geminipool.testsupport.PoolProcesses;
import org.geminipool.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.geminipool.gateway.it.PackagedStack.ADMIN;
import static org.geminipool.gateway.it.PackagedStack.INTERNAL;
import static org.geminipool.gateway.it.PackagedStack.JSON;
import static org.geminipool.gateway.it.PackagedStack.SPILL_DIR;
import static org.geminipool.gateway.it.PackagedStack.admin;
import static org.geminipool.gateway.it.PackagedStack.gatewayConfig;
import static org.geminipool.gateway.it.PackagedStack.generate;
import static org.geminipool.gateway.it.PackagedStack.importKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged gateway killed with kill -9 while usage-service is dead too, with usage events recorded but never
 * shipped: after both come back, usage-service's totals per key equal the simulator's own per-key counters exactly
 * (nothing lost, nothing counted twice). The gateway, keypool and usage-service are real processes; Google is the
 * gemini-simulator in this JVM.
 */
class UsageSurvivesKillsIT {

    private static final PackagedStack.Started STARTED = new PackagedStack.Started();

    @AfterAll
    static void stopAll() {
        STARTED.close();
    }

    private static int call(ServiceProcess gateway, int i) throws Exception {
        return generate(gateway, "gemini-3.8-flash", "kill test " + i).statusCode();
    }

    /** keyId → requests counted by usage-service over the given Pacific days. */
    private static Map<String, Long> usageRequests(ServiceProcess usage, List<LocalDate> days) throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (LocalDate day : days) {
            HttpResponse<String> r = admin(usage, "GET", "/usage/daily?date=" + day, null, null);
            assertEquals(200, r.statusCode(), r.body());
            for (JsonNode row : JSON.readTree(r.body()).path("rows")) {
                out.merge(row.path("keyId").asText(), row.path("requests").asLong(), Long::sum);
            }
        }
        return out;
    }

    private static long walLines(Path spill) throws Exception {
        long n = 0;
        try (Stream<Path> files = Files.list(spill)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("usage-wal-")).toList()) {
                n += Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count();
            }
        }
        return n;
    }

    @Test
    void usageTotalsEqualTheUpstreamsCountsAfterKill9OfUsageServiceAndOfTheGateway() throws Exception {
        GeminiSimulator sim = GeminiSimulatorTestResource.simulator();
        ServiceProcess keypool = STARTED.add(PoolProcesses.keypool("gp_test_gateway_it_keypool", ADMIN, INTERNAL,
                sim.baseUrl()));
        Map<String, String> usageConfig = PoolProcesses.usageConfig("gp_test_gateway_it_usage", ADMIN, INTERNAL);
        ServiceProcess usage = STARTED.add(ServiceProcess.start("usage-service", usageConfig));
        int usagePort = usage.port();

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String k = FakeKeys.standard();
            sim.addKey(k, GeminiSimulator.ownProject(k), KeyStatus.VALID);
            keys.add(k);
        }
        Map<String, String> ids = importKeys(keypool, "it", keys);

        Map<String, String> gw = gatewayConfig(keypool, usage, sim);
        Path spill = Path.of(gw.get(SPILL_DIR));
        gw.put("gemini-pool.usage.ship-interval", "1s");
        gw.put("gemini-pool.usage.batch-size", "4");
        ServiceProcess gateway = STARTED.add(ServiceProcess.start("gateway-service", gw));
        int gatewayPort = gateway.port();
        LocalDate start = LocalDate.now(ZoneId.of("America/Los_Angeles"));

        int calls = 0;
        for (int i = 0; i < 5; i++, calls++) {
            call(gateway, calls);
        }
        // usage-service dies (kill -9); the gateway goes on serving and writes every event ahead.
        usage.kill();
        for (int i = 0; i < 12; i++, calls++) {
            assertEquals(200, call(gateway, calls), "the gateway serves while usage-service is dead");
        }
        // The gateway dies too (kill -9), its events never shipped: no shutdown flush, no spill step.
        gateway.kill();
        assertTrue(walLines(spill) >= 12, "the killed gateway's events are on disk: " + walLines(spill));

        usage = STARTED.add(ServiceProcess.start("usage-service", usageConfig, usagePort));
        gateway = STARTED.add(ServiceProcess.start("gateway-service", gw, gatewayPort));
        for (int i = 0; i < 3; i++, calls++) {
            call(gateway, calls);
        }

        long upstream = 0;
        Map<String, Long> expected = new HashMap<>();
        for (Map.Entry<String, String> e : ids.entrySet()) {
            long n = sim.accepted(e.getKey()) + sim.refused(e.getKey());
            expected.put(e.getValue(), n);
            upstream += n;
        }
        assertTrue(upstream >= calls, "every call reached the upstream: " + upstream + " of " + calls);
        List<LocalDate> days = new ArrayList<>(List.of(start));
        LocalDate today = LocalDate.now(ZoneId.of("America/Los_Angeles"));
        if (!today.equals(start)) {
            days.add(today);
        }
        // Bounded wait for the restarted gateway to ship what the killed one left (a poll, not a timed assertion).
        Map<String, Long> counted = Map.of();
        for (int i = 0; i < 240; i++) {
            counted = usageRequests(usage, days);
            Map<String, Long> ours = new HashMap<>();
            for (String id : ids.values()) {
                ours.put(id, counted.getOrDefault(id, 0L));
            }
            counted = ours;
            if (counted.equals(expected)) {
                break;
            }
            Thread.sleep(500);
        }
        assertEquals(expected, counted, "usage per key equals the upstream's own counts");
        assertEquals(0, walLines(spill), "everything written ahead was shipped and deleted");
    }
}
