package org.geminipool.usage.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.testsupport.MariaDbTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.geminipool.usage.UsageApi.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Events land on the Pacific (America/Los_Angeles) day of occurredAt. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_usage"))
class DayBoundaryTest {

    @Test
    void winterMidnightIsEightUtc() {
        // PST = UTC-8: 07:59:59.999Z is 23:59:59.999 the day before in Los Angeles; 08:00Z is midnight.
        String key = unique("key");
        String model = unique("model");
        post(List.of(event("2026-11-26T07:59:59.999Z", key, model), event("2026-11-26T08:00:00.000Z", key, model),
                event("2026-11-26T08:00:00.000Z", key, model))).statusCode(200).body("accepted", equalTo(3));
        assertEquals(1, requests("2026-11-25", key, model));
        assertEquals(2, requests("2026-11-26", key, model));
    }

    @Test
    void summerMidnightIsSevenUtc() {
        // PDT = UTC-7: 06:59:59Z is still July 14th in Los Angeles, 07:00Z is July 15th.
        String key = unique("key");
        String model = unique("model");
        post(List.of(event("2026-07-15T06:59:59.999Z", key, model), event("2026-07-15T07:00:00Z", key, model)))
                .statusCode(200);
        assertEquals(1, requests("2026-07-14", key, model));
        assertEquals(1, requests("2026-07-15", key, model));
    }

    @Test
    void dstIrrelevantCases() {
        // Noon UTC is early morning the same day in Los Angeles all year; an explicit offset is honoured.
        String key = unique("key");
        String model = unique("model");
        post(List.of(event("2026-01-15T12:00:00Z", key, model), event("2026-01-15T23:30:00-08:00", key, model),
                event("2026-01-16T00:30:00-08:00", key, model))).statusCode(200);
        assertEquals(2, requests("2026-01-15", key, model));
        assertEquals(1, requests("2026-01-16", key, model));
        // UTC midnight is not the boundary: 00:30Z on the 16th is still the 15th in Los Angeles.
        String key2 = unique("key");
        post(List.of(event("2026-01-16T00:30:00Z", key2, model))).statusCode(200);
        assertEquals(1, requests("2026-01-15", key2, model));
        assertEquals(0, requests("2026-01-16", key2, model));
    }

    @Test
    void summaryGroupsByPacificDay() {
        String model = unique("model");
        String key = unique("key");
        post(List.of(event("2027-02-01T07:59:59Z", key, model), event("2027-02-01T08:00:00Z", key, model)))
                .statusCode(200);
        admin().queryParam("from", "2027-01-31").queryParam("to", "2027-02-01").get("/usage/summary").then()
                .statusCode(200)
                .body("days.size()", equalTo(2))
                .body("days[0].date", equalTo("2027-01-31")).body("days[0].requests", equalTo(1))
                .body("days[1].date", equalTo("2027-02-01")).body("days[1].requests", equalTo(1))
                .body("totals.requests", equalTo(2));
    }
}
