package org.geminipool.keypool.it;

import org.geminipool.testsupport.ServiceProcess;
import org.geminipool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged keypool replicas (separate JVMs) on one database; 60 concurrent clients lease from a small pool with
 * tight limits through both. No (project, model) window may ever hand out more than its quota, and when demand
 * exceeds supply exactly the quota is handed out.
 */
class TwoReplicasIT {

    static final String DB = "gp_it_keypool";
    static final String ADMIN = "it-admin";
    static final String INTERNAL = "it-internal";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static ServiceProcess a;
    static ServiceProcess b;

    static Map<String, String> config() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Map<String, String> config = new HashMap<>(TestDatabase.quarkusDatasource(DB));
        config.put("gemini-pool.admin-token", ADMIN);
        config.put("gemini-pool.internal-token", INTERNAL);
        config.put("gemini-pool.encryption-key", Base64.getEncoder().encodeToString(secret));
        config.put("gemini-pool.revalidate.every", "off");
        return config;
    }

    @BeforeAll
    static void start() {
        TestDatabase.recreate(DB);
        Map<String, String> config = config();
        a = ServiceProcess.start("keypool-service", config);
        b = ServiceProcess.start("keypool-service", config);
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    static HttpResponse<String> send(String base, String method, String path, String token, String type, String body)
            throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (type != null) {
            req.header("Content-Type", type);
        }
        req.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String rawKey() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder("AIza");
        for (int i = 0; i < 35; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Three projects (one with two keys) in a fresh pool; the model gets the given limits. */
    static String pool(String model, int rpm, int rpd) throws Exception {
        String pool = "pool-" + UUID.randomUUID().toString().substring(0, 8);
        String body = String.join("\n", rawKey() + " project=" + pool + "-a", rawKey() + " project=" + pool + "-a",
                rawKey() + " project=" + pool + "-b", rawKey() + " project=" + pool + "-c");
        assertEquals(200, send(a.baseUrl(), "POST", "/admin/keys/import?pool=" + pool, ADMIN, "text/plain", body)
                .statusCode());
        assertEquals(200, send(b.baseUrl(), "PUT", "/admin/quotas/" + model, ADMIN, "application/json",
                "{\"rpm\":" + rpm + ",\"rpd\":" + rpd + "}").statusCode());
        return pool;
    }

    /** 60 clients, half on each replica, each leasing until it is refused (bounded). Returns leases granted. */
    static int storm(String pool, String model) throws Exception {
        int clients = 60;
        ExecutorService executor = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger unexpected = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            String base = (i % 2 == 0 ? a : b).baseUrl();
            futures.add(executor.submit(() -> {
                go.await();
                for (int n = 0; n < 20; n++) {
                    HttpResponse<String> r = send(base, "POST", "/leases", INTERNAL, "application/json",
                            "{\"pool\":\"" + pool + "\",\"model\":\"" + model + "\",\"requestId\":\"" + UUID.randomUUID() + "\"}");
                    if (r.statusCode() == 200) {
                        granted.incrementAndGet();
                    } else {
                        if (r.statusCode() != 429) {
                            unexpected.incrementAndGet();
                        }
                        return null;
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        executor.shutdown();
        assertEquals(0, unexpected.get(), "only 200 and 429 answers");
        return granted.get();
    }

    /**
     * Leases per (project, window) from the lease table: window is minute_window or day_window. A lease is answered
     * before its row is committed (the quota is counted in the bucket row), so the table is read until two reads a
     * moment apart agree (bounded).
     */
    static Map<String, Integer> leasesPer(String model, String window) throws Exception {
        Map<String, Integer> last = readLeasesPer(model, window);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            Map<String, Integer> now = readLeasesPer(model, window);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static Map<String, Integer> readLeasesPer(String model, String window) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbcUrl(DB), TestDatabase.user(), TestDatabase.password());
             PreparedStatement ps = c.prepareStatement("SELECT project_id, " + window + ", COUNT(*) FROM gp_lease"
                     + " WHERE model = ? GROUP BY project_id, " + window)) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1) + "@" + rs.getLong(2), rs.getInt(3));
                }
            }
        }
        return out;
    }

    @Test
    void dayQuotaIsNeverExceededAndFullyUsedAcrossReplicas() throws Exception {
        String model = "it-day-" + UUID.randomUUID().toString().substring(0, 6);
        String pool = pool(model, 1000, 7);
        int granted = storm(pool, model);
        assertEquals(21, granted, "3 projects x 7 per day, no more, no less");
        Map<String, Integer> perDay = leasesPer(model, "day_window");
        assertEquals(3, perDay.size());
        perDay.values().forEach(n -> assertEquals(7, n));
    }

    @Test
    void minuteQuotaIsNeverExceededAcrossReplicas() throws Exception {
        String model = "it-min-" + UUID.randomUUID().toString().substring(0, 6);
        String pool = pool(model, 5, 1000);
        int granted = storm(pool, model);
        Map<String, Integer> perMinute = leasesPer(model, "minute_window");
        perMinute.values().forEach(n -> assertTrue(n <= 5, "at most 5 per (project, minute): " + perMinute));
        long windows = perMinute.keySet().stream().map(k -> k.split("@")[1]).distinct().count();
        if (windows == 1) {
            assertEquals(15, granted, "3 projects x 5 per minute: " + perMinute);
        } else {
            assertTrue(granted >= 15, "the storm straddled a minute boundary: " + perMinute);
        }
    }

    /**
     * Small free-tier buckets shared by two replicas (5 rpm, 20 rpd, two projects): leases alternate between the
     * replicas, and none is refused while either could still serve — no replica holds capacity idle that the other
     * needs — and once all is spent both refuse.
     */
    @Test
    void smallBucketsAreNeverHeldIdleByOneReplicaWhileTheOtherNeedsThem() throws Exception {
        for (int[] limits : new int[][] {{5, 1000}, {1000, 20}}) {
            String model = "it-small-" + UUID.randomUUID().toString().substring(0, 6);
            String pool = "pool-" + UUID.randomUUID().toString().substring(0, 8);
            String body = rawKey() + " project=" + pool + "-a\n" + rawKey() + " project=" + pool + "-b";
            assertEquals(200, send(a.baseUrl(), "POST", "/admin/keys/import?pool=" + pool, ADMIN, "text/plain", body)
                    .statusCode());
            assertEquals(200, send(b.baseUrl(), "PUT", "/admin/quotas/" + model, ADMIN, "application/json",
                    "{\"rpm\":" + limits[0] + ",\"rpd\":" + limits[1] + "}").statusCode());
            int capacity = 2 * Math.min(limits[0], limits[1]);
            int granted = 0;
            int firstRefusal = -1;
            for (int n = 0; n < capacity + 4; n++) {
                String base = (n % 2 == 0 ? a : b).baseUrl();
                HttpResponse<String> r = send(base, "POST", "/leases", INTERNAL, "application/json",
                        "{\"pool\":\"" + pool + "\",\"model\":\"" + model + "\"}");
                if (r.statusCode() == 200) {
                    granted++;
                } else {
                    assertEquals(429, r.statusCode(), r.body());
                    if (firstRefusal < 0) {
                        firstRefusal = n;
                    }
                }
            }
            Map<String, Integer> perMinute = leasesPer(model, "minute_window");
            long windows = perMinute.keySet().stream().map(k -> k.split("@")[1]).distinct().count();
            if (limits[0] == 5 && windows > 1) {
                continue; // the minute turned during the run: its counts started again
            }
            assertEquals(capacity, granted, "exactly the capacity of both projects: " + perMinute);
            assertEquals(capacity, firstRefusal, "no refusal while capacity existed on either replica");
        }
    }
}
