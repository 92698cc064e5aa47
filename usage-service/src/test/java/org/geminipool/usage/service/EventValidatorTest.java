package org.geminipool.usage.service;

import org.geminipool.contract.usage.UsageEvent;
import org.geminipool.contract.Outcome;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventValidatorTest {

    static UsageEvent input(String occurredAt, String keyId, String provider, String client) {
        return new UsageEvent("e-1", occurredAt, keyId, null, "gemini-2.5-flash", "bulk", null, provider, client,
                "success", null, null, 3L, null, null);
    }

    @Test
    void defaultsAndNormalisation() {
        NewEvent e = EventValidator.validate(0, input("2026-11-26T07:59:59.999Z", null, "OpenRouter", null));
        assertEquals(LocalDate.of(2026, 11, 25), e.day());
        assertNull(e.keyId());
        assertEquals("openrouter", e.aggregateKeyId());
        assertEquals(EventValidator.NO_CLIENT, e.clientTokenId());
        assertEquals(Outcome.SUCCESS, e.outcome());
        assertEquals(0, e.latencyMs());
        assertEquals(3, e.promptTokens());
        assertNull(e.httpStatus());
        assertEquals(EventValidator.NO_KEY,
                EventValidator.validate(0, input("2026-11-26T08:00:00Z", " ", null, "ab12cd34")).aggregateKeyId());
        assertEquals(LocalDate.of(2026, 11, 26),
                EventValidator.validate(0, input("2026-11-26T08:00:00Z", "k", null, null)).day());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static EventBatch batch(UsageEvent... events) {
        return new EventBatch(java.util.Arrays.stream(events).map(e -> (com.fasterxml.jackson.databind.JsonNode)
                JSON.valueToTree(e)).toList());
    }

    @Test
    void eachEventIsCheckedAloneAndRefusalsNameIndexIdAndReason() {
        UsageEvent good = input("2026-01-01T00:00:00Z", "k", null, null);
        UsageEvent longModel = new UsageEvent("e-2", "2026-01-01T00:00:00Z", "k", null, "m".repeat(300), null, null,
                null, null, "SUCCESS", null, null, null, null, null);
        var checked = EventValidator.check(batch(good, longModel, good), 10);
        assertEquals(2, checked.events().size());
        assertEquals(1, checked.refused().size());
        RefusedEvent refused = checked.refused().get(0);
        assertEquals(1, refused.index());
        assertEquals("e-2", refused.eventId());
        assertTrue(refused.error().startsWith("events[1].model: longer than 128"), refused.error());
    }

    @Test
    void batchLimits() {
        var ok = batch(input("2026-01-01T00:00:00Z", "k", null, null));
        assertEquals(1, EventValidator.check(ok, 1).events().size());
        var tooBig = assertThrows(UsageRequestException.class, () -> EventValidator.check(ok, 0));
        assertEquals(413, tooBig.status());
        assertEquals(400, assertThrows(UsageRequestException.class,
                () -> EventValidator.check(new EventBatch(null), 10)).status());
        assertEquals(400, assertThrows(UsageRequestException.class,
                () -> EventValidator.check(null, 10)).status());
    }

    @Test
    void timesOutsideTheSaneRangeAreRejected() {
        var e = assertThrows(UsageRequestException.class,
                () -> EventValidator.validate(3, input("1999-12-31T23:59:59Z", "k", null, null)));
        assertTrue(e.getMessage().startsWith("events[3].occurredAt"), e.getMessage());
    }

    @Test
    void deadlocksAreRetriedOtherFailuresNot() {
        assertTrue(IngestService.isTransient(new RuntimeException(
                new io.vertx.mysqlclient.MySQLException("Deadlock found when trying to get lock", 1213, "40001"))));
        assertTrue(IngestService.isTransient(new java.sql.SQLException("x", "40001")));
        assertEquals(false, IngestService.isTransient(new IllegalStateException("boom")));
    }
}
