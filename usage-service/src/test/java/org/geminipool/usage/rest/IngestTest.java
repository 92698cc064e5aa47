package org.geminipool.usage.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.geminipool.usage.UsageApi.*;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_usage"))
class IngestTest {

    static final String AT = "2026-03-10T20:00:00.000Z";
    static final String DAY = "2026-03-10";

    @Test
    void sameBatchTwiceCountsOnce() {
        String key = unique("key");
        String model = unique("model");
        var events = events(5, AT, key, model);
        post(events).statusCode(200).body("accepted", equalTo(5)).body("duplicates", equalTo(0));
        post(events).statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(5));
        assertEquals(5, requests(DAY, key, model));
    }

    @Test
    void partialResendCountsOnlyTheNewEvents() {
        String key = unique("key");
        String model = unique("model");
        var first = events(4, AT, key, model);
        post(first).statusCode(200).body("accepted", equalTo(4));
        var second = new ArrayList<>(first.subList(2, 4));
        second.addAll(events(3, AT, key, model));
        second.add(second.get(4)); // the same id twice inside one batch counts once too
        post(second).statusCode(200).body("accepted", equalTo(3)).body("duplicates", equalTo(3));
        assertEquals(7, requests(DAY, key, model));
    }

    @Test
    void countersTokensAndLatencyAreSummedPerOutcome() {
        String key = unique("key");
        String model = unique("model");
        var e = event(AT, key, model);
        List<Map<String, Object>> events = List.of(e,
                with(with(event(AT, key, model), "outcome", "RATE_LIMITED"), "httpStatus", 429),
                with(event(AT, key, model), "outcome", "QUOTA_EXHAUSTED_DAY"),
                with(event(AT, key, model), "outcome", "INVALID_KEY"),
                with(event(AT, key, model), "outcome", "PERMISSION_DENIED"),
                with(event(AT, key, model), "outcome", "UPSTREAM_ERROR"),
                with(with(event(AT, key, model), "outcome", "CLIENT_ERROR"), "latencyMs", 7));
        post(events).statusCode(200).body("accepted", equalTo(7));
        var row = dailyRow(DAY, key, model);
        assertNotNull(row);
        assertEquals(7, row.get("requests"));
        assertEquals(1, row.get("successes"));
        assertEquals(1, row.get("rateLimited"));
        assertEquals(1, row.get("dayExhausted"));
        assertEquals(2, row.get("invalidOrDenied"));
        assertEquals(1, row.get("upstreamErrors"));
        assertEquals(1, row.get("clientErrors"));
        assertEquals(70, row.get("promptTokens"));
        assertEquals(140, row.get("completionTokens"));
        assertEquals(35, row.get("thoughtTokens"));
        assertEquals(6 * 100 + 7, row.get("totalLatencyMs"));
    }

    @Test
    void perClientTokenAggregates() {
        String model = unique("model");
        String key = unique("key");
        String clientA = "aaaa" + Long.toHexString(System.nanoTime()).substring(0, 8);
        var events = new ArrayList<Map<String, Object>>();
        events.add(with(event(AT, key, model), "clientTokenId", clientA));
        events.add(with(event(AT, key, model), "clientTokenId", clientA));
        events.add(with(event(AT, key, model), "clientTokenId", null));
        post(events).statusCode(200).body("accepted", equalTo(3));
        admin().queryParam("date", DAY).get("/usage/clients").then().statusCode(200)
                .body("date", equalTo(DAY))
                .body("rows.find { it.clientTokenId == '" + clientA + "' && it.model == '" + model + "' }.requests",
                        equalTo(2))
                .body("rows.find { it.clientTokenId == 'unknown' && it.model == '" + model + "' }.requests",
                        equalTo(1));
    }

    @Test
    void eventsWithoutKeyIdCountUnderTheProvider() {
        String model = unique("or-model");
        var e = with(with(event(AT, null, model), "provider", "openrouter"), "target", "openrouter/" + model);
        post(List.of(e)).statusCode(200).body("accepted", equalTo(1));
        assertEquals(1, requests(DAY, "openrouter", model));
    }

    @Test
    void twoConcurrentPostersOfOverlappingBatchesCountEachEventOnce() throws Exception {
        String key = unique("key");
        String model = unique("model");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int rounds = 5;
        int acceptedTotal = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                var all = events(45, AT, key, model);
                var a = all.subList(0, 40);   // both posters send 35 shared events
                var b = all.subList(5, 45);
                CountDownLatch start = new CountDownLatch(1);
                Future<Integer> fa = pool.submit(() -> postAfter(start, a));
                Future<Integer> fb = pool.submit(() -> postAfter(start, b));
                start.countDown();
                acceptedTotal += fa.get(120, TimeUnit.SECONDS) + fb.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(rounds * 45, acceptedTotal);
        assertEquals(rounds * 45, requests(DAY, key, model));
    }

    private static int postAfter(CountDownLatch start, List<Map<String, Object>> events) throws InterruptedException {
        start.await();
        return post(events).statusCode(200).extract().path("accepted");
    }

    @Test
    void unknownFieldsAreIgnored() {
        String model = unique("model");
        post(List.of(with(event(AT, "k-extra", model), "futureField", Map.of("a", 1)))).statusCode(200)
                .body("accepted", equalTo(1));
    }

    @Test
    void emptyBatchIsAccepted() {
        post(List.of()).statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(0));
    }

    @Test
    void metricsCountReceivedAndDuplicates() {
        double received = metric("gemini_pool_usage_events_received_total");
        double duplicates = metric("gemini_pool_usage_events_duplicates_total");
        var events = events(3, AT, unique("key"), unique("model"));
        post(events).statusCode(200);
        post(events.subList(0, 2)).statusCode(200);
        assertEquals(received + 5, metric("gemini_pool_usage_events_received_total"));
        assertEquals(duplicates + 2, metric("gemini_pool_usage_events_duplicates_total"));
        given().get("/q/metrics").then().body(org.hamcrest.Matchers.containsString(
                "gemini_pool_usage_events_pruned_total"));
    }

    static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).body(notNullValue()).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("metric " + name + " missing");
    }
}
