package org.geminipool.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.testsupport.GeminiSimulatorTestResource;
import org.geminipool.testsupport.PoolProcesses;
import org.geminipool.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged gateway killed with kill -9 while usage-service is dead too, with usage events recorded but never
 * shipped: after both come back, usage-service's totals per key equal the simulator's own per-key counters exactly
 * (nothing lost, nothing counted twice). The gateway, keypool and usage-service are real processes; Google is the
 * gemini-simulator in this JVM.
 */
class UsageSurvivesKillsIT {

    private static final String CLIENT = "it-client-token";
    private static final String ADMIN = "it-admin-token";
    private static final String INTERNAL = "it-internal-token";
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<ServiceProcess> STARTED = new ArrayList<>();

    @AfterAll
    static void stopAll() {
        STARTED.forEach(ServiceProcess::close);
    }

    private static ServiceProcess started(ServiceProcess p) {
        STARTED.add(p);
        return p;
    }

    private static String newKey(SecureRandom random) {
        StringBuilder sb = new StringBuilder("AIza");
        for (int i = 0; i < 35; i++) {
            sb.append(KEY_CHARS.charAt(random.nextInt(KEY_CHARS.length())));
        }
        return sb.toString();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Imports one key per project into pool "it"; answers apiKey → keypool id. */
    private static Map<String, String> importKeys(ServiceProcess keypool, List<String> keys) throws Exception {
        StringBuilder body = new StringBuilder();
        for (String k : keys) {
            body.append(k).append(" pool=it project=").append(GeminiSimulator.ownProject(k)).append('\n');
        }
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(keypool.baseUrl() + "/admin/keys/import"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode imported = JSON.readTree(answer.body()).path("keys");
        assertEquals(keys.size(), imported.size(), answer.body());
        Map<String, String> ids = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            assertTrue(imported.get(i).path("masked").asText().endsWith(key.substring(key.length() - 4)));
            ids.put(key, imported.get(i).path("id").asText());
        }
        return ids;
    }

    private static int call(ServiceProcess gateway, int i) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                        + "/v1beta/models/gemini-3.8-flash:generateContent"))
                .header("Authorization", "Bearer " + CLIENT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"kill test " + i + "\"}]}]}")))
                .statusCode();
    }

    /** keyId → requests counted by usage-service over the given Pacific days. */
    private static Map<String, Long> usageRequests(ServiceProcess usage, List<LocalDate> days) throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (LocalDate day : days) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(usage.baseUrl() + "/usage/daily?date=" + day))
                    .header("Authorization", "Bearer " + ADMIN).GET());
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
        ServiceProcess keypool = started(PoolProcesses.keypool("gp_test_gateway_it_keypool", ADMIN, INTERNAL,
                sim.baseUrl()));
        Map<String, String> usageConfig = PoolProcesses.usageConfig("gp_test_gateway_it_usage", ADMIN, INTERNAL);
        ServiceProcess usage = started(ServiceProcess.start("usage-service", usageConfig));
        int usagePort = usage.port();

        SecureRandom random = new SecureRandom();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String k = newKey(random);
            sim.addKey(k, GeminiSimulator.ownProject(k), KeyStatus.VALID);
            keys.add(k);
        }
        Map<String, String> ids = importKeys(keypool, keys);

        Path spill = Path.of("target", "it-usage-spill-" + System.nanoTime()).toAbsolutePath();
        Map<String, String> gw = new HashMap<>();
        gw.put("gemini-pool.client-tokens", CLIENT);
        gw.put("gemini-pool.internal-token", INTERNAL);
        gw.put("gemini-pool.keypool-url", keypool.baseUrl());
        gw.put("gemini-pool.usage-url", usage.baseUrl());
        gw.put("gemini-pool.gemini-base-url", sim.baseUrl());
        gw.put("gemini-pool.openrouter-base-url", sim.baseUrl() + "/api/v1");
        gw.put("gemini-pool.usage.spill-dir", spill.toString());
        gw.put("gemini-pool.usage.ship-interval", "1s");
        gw.put("gemini-pool.usage.batch-size", "4");
        ServiceProcess gateway = started(ServiceProcess.start("gateway-service", gw));
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

        usage = started(ServiceProcess.start("usage-service", usageConfig, usagePort));
        gateway = started(ServiceProcess.start("gateway-service", gw, gatewayPort));
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
