package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 7's checks from the gateway side: every upstream attempt is one usage event, so usage-service's totals per key
 * equal the simulator's own per-key counters exactly — also when usage-service is stopped, or killed with kill -9,
 * for part of the run.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class UsageAccountingTest extends GatewayTestBase {

    /** apiKey → keypool id of this test's keys. */
    private final Map<String, String> ids = new LinkedHashMap<>();

    private void setUp() {
        String pool = unique("acct");
        String embPool = unique("acct-emb");
        for (int i = 0; i < 6; i++) {
            String k = newKey();
            ids.put(k, addKey(k, unique("p-acct"), KeyStatus.VALID, pool));
        }
        String bad = newKey();
        ids.put(bad, addKey(bad, unique("p-acct-bad"), KeyStatus.INVALID, pool));
        String limitedProject = unique("p-acct-limited");
        String limited = newKey();
        ids.put(limited, addKey(limited, limitedProject, KeyStatus.VALID, pool));
        sim().setProjectQuota(limitedProject, "gemini-3.8-flash", 2, 1000);
        String emb = newKey();
        ids.put(emb, addKey(emb, unique("p-acct-emb"), KeyStatus.VALID, embPool));
        useRoutes("""
                routes:
                  - name: acct-embed
                    match: { operation: embed }
                    targets: [ { pool: %s, model: gemini-embedding-001 } ]
                  - name: acct
                    match: { models: [acct_pool] }
                    targets: [ { pool: %s, model: gemini-3.8-flash } ]
                """.formatted(embPool, pool));
    }

    /** A mix of outcomes: successes, streams, embeddings, a client error, an injected 500, countTokens. */
    private void drive(int round) {
        client().contentType(ContentType.JSON).body(geminiBody("usage " + round))
                .post("/v1beta/models/acct_pool:generateContent").then().statusCode(200);
        client().contentType(ContentType.JSON).body(chatBody("acct_pool", "usage chat " + round, round % 2 == 0))
                .post("/v1/chat/completions").then().statusCode(200);
        client().contentType(ContentType.JSON).body(geminiBody("usage stream " + round))
                .post("/v1beta/models/acct_pool:streamGenerateContent?alt=sse").then().statusCode(200);
        client().contentType(ContentType.JSON).body("{\"model\":\"x\",\"input\":[\"a " + round + "\"]}")
                .post("/v1/embeddings").then().statusCode(200);
        client().contentType(ContentType.JSON).body(geminiBody("count " + round))
                .post("/v1beta/models/acct_pool:countTokens").then().statusCode(200);
        if (round % 3 == 0) {
            client().contentType(ContentType.JSON).body("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"bogus\":true}")
                    .post("/v1beta/models/acct_pool:generateContent").then().statusCode(400);
            sim().failNext(1, 500);
            client().contentType(ContentType.JSON).body(geminiBody("after a 500 " + round))
                    .post("/v1beta/models/acct_pool:generateContent").then().statusCode(200);
        }
    }

    private void assertTotalsMatchTheSimulator(LocalDate... days) {
        Map<String, long[]> usage = new HashMap<>();
        for (LocalDate day : days) {
            for (Map<String, Object> row : usageDaily(day)) {
                long[] t = usage.computeIfAbsent(String.valueOf(row.get("keyId")), k -> new long[2]);
                t[0] += number(row, "requests");
                t[1] += number(row, "successes");
            }
        }
        long total = 0;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            String apiKey = e.getKey();
            long[] t = usage.getOrDefault(e.getValue(), new long[2]);
            long accepted = sim().accepted(apiKey);
            long refused = sim().refused(apiKey);
            assertEquals(accepted + refused, t[0], "requests of key " + e.getValue());
            assertEquals(accepted, t[1], "successes of key " + e.getValue());
            total += t[0];
        }
        assertTrue(total > 0);
    }

    @Test
    void totalsEqualTheSimulatorsCountersEvenWhenUsageServiceIsDownMeanwhile() throws Exception {
        setUp();
        LocalDate start = pacificToday();
        for (int round = 0; round < 3; round++) {
            drive(round);
        }
        awaitUsageShipped();
        assertTotalsMatchTheSimulator(days(start));

        // Loss check: usage-service stops mid-run; the gateway keeps serving, holds (and spills) the events.
        PoolServicesTestResource.stopUsage();
        for (int round = 3; round < 8; round++) {
            drive(round);
        }
        assertTrue(shipper.depth() + shipper.spilledOnDisk() > 0, "events are held while usage-service is down");
        PoolServicesTestResource.startUsage();
        awaitUsageShipped();
        assertTotalsMatchTheSimulator(days(start));

        // Crash check: usage-service killed with kill -9 (a batch may be cut off mid-write); nothing lost, nothing twice.
        PoolServicesTestResource.killUsage();
        for (int round = 8; round < 11; round++) {
            drive(round);
        }
        assertTrue(shipper.spilledOnDisk() > 0, "the events are written ahead while usage-service is dead");
        PoolServicesTestResource.startUsage();
        awaitUsageShipped();
        assertTotalsMatchTheSimulator(days(start));
    }

    @Test
    void anEventUsageServiceRefusesDoesNotCostTheOthersTheirUsage() throws Exception {
        // The row-4 case of the hostile-client checks at the shipper: one event with a 300-character model in a batch
        // of good ones. The real usage-service refuses it alone; the good ones are counted in /usage/daily.
        String keyId = unique("refused-batch-key");
        String bad = "bad-" + java.util.UUID.randomUUID();
        for (int i = 0; i < 9; i++) {
            shipper.record(new org.geminipool.contract.usage.UsageEvent(java.util.UUID.randomUUID().toString(),
                    java.time.Instant.now().toString(), keyId, "p", "gemini-3.8-flash", "r", "t", "google", "c",
                    "SUCCESS", 200, 5L, 1L, 1L, null));
            if (i == 4) {
                shipper.record(new org.geminipool.contract.usage.UsageEvent(bad, java.time.Instant.now().toString(),
                        keyId, "p", "m".repeat(300), "r", "t", "google", "c", "SUCCESS", 200, 5L, 1L, 1L, null));
            }
        }
        awaitUsageShipped();
        long counted = 0;
        for (Map<String, Object> row : usageDaily(pacificToday())) {
            if (keyId.equals(row.get("keyId"))) {
                counted += number(row, "requests");
            }
        }
        if (counted < 9) { // recorded just before Pacific midnight: the rest is on the day before
            for (Map<String, Object> row : usageDaily(pacificToday().minusDays(1))) {
                if (keyId.equals(row.get("keyId"))) {
                    counted += number(row, "requests");
                }
            }
        }
        assertEquals(9, counted, "every good event of the batch is counted");
        java.nio.file.Path rejected = shipper.spillDir().resolve("rejected");
        boolean kept = false;
        try (var files = java.nio.file.Files.list(rejected)) {
            for (java.nio.file.Path f : files.toList()) {
                kept |= java.nio.file.Files.readString(f).contains(bad);
            }
        }
        assertTrue(kept, "the refused event is kept in " + rejected + " for an operator");
    }

    private static LocalDate[] days(LocalDate start) {
        LocalDate now = pacificToday();
        List<LocalDate> d = new ArrayList<>(List.of(start));
        if (!now.equals(start)) {
            d.add(now);
        }
        return d.toArray(LocalDate[]::new);
    }
}
