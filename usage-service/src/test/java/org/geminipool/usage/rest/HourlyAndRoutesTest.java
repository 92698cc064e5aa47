package org.geminipool.usage.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.testsupport.MariaDbTestResource;
import org.geminipool.usage.service.UsageDays;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.geminipool.usage.UsageApi.*;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /usage/hourly and GET /usage/routes: counted from the raw events. Dates used here are used by no other test. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_usage"))
class HourlyAndRoutesTest {

    private static Map<String, Object> at(String occurredAt, String outcome) {
        return with(event(occurredAt, "k-hourly", "m-hourly"), "outcome", outcome);
    }

    private static Map<String, Object> routed(String occurredAt, String route, String target, String outcome) {
        return with(with(with(event(occurredAt, "k-routes", "m-routes"), "route", route), "target", target),
                "outcome", outcome);
    }

    @Test
    void hourlyCountsAcrossAnHourBoundaryWithEmptyHours() {
        post(List.of(at("2031-03-10T07:59:59.999Z", "SUCCESS"), at("2031-03-10T08:00:00Z", "SUCCESS"),
                at("2031-03-10T08:59:59.999Z", "RATE_LIMITED"), at("2031-03-10T09:00:00Z", "QUOTA_EXHAUSTED_DAY"),
                at("2031-03-10T09:30:00+00:00", "INVALID_KEY"), at("2031-03-10T12:00:00Z", "SUCCESS")))
                .statusCode(200).body("accepted", equalTo(6));
        // The window ends with the hour containing `until`: 08:00, 09:00, 10:00, 11:00 (UTC).
        admin().queryParam("hours", "4").queryParam("until", "2031-03-10T11:20:00Z").get("/usage/hourly").then()
                .statusCode(200).contentType(startsWith("application/json"))
                .body("from", equalTo("2031-03-10T08:00:00Z")).body("to", equalTo("2031-03-10T12:00:00Z"))
                .body("hours", equalTo(4)).body("timeZone", equalTo("UTC")).body("retentionDays", equalTo(7))
                .body("note", containsString("raw events"))
                .body("rows.size()", equalTo(4))
                .body("rows[0].hour", equalTo("2031-03-10T08:00:00Z")).body("rows[0].requests", equalTo(2))
                .body("rows[0].successes", equalTo(1)).body("rows[0].rateLimited", equalTo(1))
                .body("rows[1].hour", equalTo("2031-03-10T09:00:00Z")).body("rows[1].requests", equalTo(2))
                .body("rows[1].dayExhausted", equalTo(1)).body("rows[1].invalidOrDenied", equalTo(1))
                .body("rows[1].successes", equalTo(0))
                .body("rows[2].hour", equalTo("2031-03-10T10:00:00Z")).body("rows[2].requests", equalTo(0))
                .body("rows[3].hour", equalTo("2031-03-10T11:00:00Z")).body("rows[3].requests", equalTo(0))
                .body("totals.requests", equalTo(4)).body("totals.successes", equalTo(1));

        String csv = admin().accept("text/csv").queryParam("hours", "4").queryParam("until", "2031-03-10T11:20:00Z")
                .get("/usage/hourly").then().statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("attachment")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals(5, lines.length, csv);
        assertEquals("hour,requests,successes,rateLimited,dayExhausted,invalidOrDenied,upstreamErrors,clientErrors,"
                + "promptTokens,completionTokens,thoughtTokens,totalLatencyMs", lines[0]);
        assertEquals("2031-03-10T08:00:00Z,2,1,1,0,0,0,0,20,40,10,200", lines[1]);
        assertTrue(lines[3].startsWith("2031-03-10T10:00:00Z,0,0,0,0,0,0,0,"), lines[3]);
    }

    @Test
    void hourlyDefaultsToTheLast24HoursEndingNow() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.HOURS);
        var json = admin().get("/usage/hourly").then().statusCode(200).extract().jsonPath();
        Instant after = Instant.now().truncatedTo(ChronoUnit.HOURS);
        List<Map<String, Object>> rows = json.getList("rows");
        assertEquals(24, rows.size());
        assertEquals(24, json.getInt("hours"));
        String last = (String) rows.get(23).get("hour");
        assertTrue(last.equals(before.toString()) || last.equals(after.toString()), last);
        admin().queryParam("hours", "168").get("/usage/hourly").then().statusCode(200).body("rows.size()", equalTo(168));
        admin().queryParam("hours", "1").get("/usage/hourly").then().statusCode(200).body("rows.size()", equalTo(1));
    }

    @Test
    void hourlyValidation() {
        for (String bad : List.of("0", "169", "-1", "abc", "1.5", "24h")) {
            admin().queryParam("hours", bad).get("/usage/hourly").then().statusCode(400)
                    .contentType("application/json").body("error", containsString("hours"));
        }
        for (String bad : List.of("yesterday", "2031-03-10", "2031-03-10T11:00:00", "1999-12-31T23:00:00Z")) {
            admin().queryParam("until", bad).get("/usage/hourly").then().statusCode(400)
                    .body("error", containsString("until"));
        }
    }

    @Test
    void routesCountOnePacificDay() {
        // 2031-01-20 is winter (PST): the Pacific day runs from 08:00Z to 08:00Z the next day.
        post(List.of(routed("2031-01-20T07:59:59.999Z", "r1", "t1", "SUCCESS"),
                routed("2031-01-20T08:00:00Z", "r1", "t1", "SUCCESS"),
                routed("2031-01-21T07:59:59.999Z", "r1", "t1", "RATE_LIMITED"),
                routed("2031-01-20T20:00:00Z", "r1", "t2", "UPSTREAM_ERROR"),
                routed("2031-01-20T20:00:00Z", "r2", "t3", "CLIENT_ERROR"),
                with(with(event("2031-01-20T21:00:00Z", "k-routes", "m-routes"), "route", null), "target", null),
                routed("2031-01-21T08:00:00Z", "r1", "t1", "SUCCESS"))).statusCode(200);
        admin().queryParam("date", "2031-01-20").get("/usage/routes").then().statusCode(200)
                .body("date", equalTo("2031-01-20")).body("timeZone", equalTo("America/Los_Angeles"))
                .body("retained", equalTo(true)).body("retentionDays", equalTo(7))
                .body("rows.size()", equalTo(4))
                .body("rows[0].route", nullValue()).body("rows[0].target", nullValue())
                .body("rows[0].requests", equalTo(1))
                .body("rows[1].route", equalTo("r1")).body("rows[1].target", equalTo("t1"))
                .body("rows[1].requests", equalTo(2)).body("rows[1].successes", equalTo(1))
                .body("rows[1].rateLimited", equalTo(1))
                .body("rows[2].route", equalTo("r1")).body("rows[2].target", equalTo("t2"))
                .body("rows[2].upstreamErrors", equalTo(1))
                .body("rows[3].route", equalTo("r2")).body("rows[3].clientErrors", equalTo(1))
                .body("totals.requests", equalTo(5));
        admin().queryParam("date", "2031-01-19").get("/usage/routes").then().statusCode(200)
                .body("rows.size()", equalTo(1)).body("rows[0].route", equalTo("r1"))
                .body("rows[0].requests", equalTo(1));
        admin().queryParam("date", "2031-01-21").get("/usage/routes").then().statusCode(200)
                .body("totals.requests", equalTo(1));

        String csv = admin().accept("text/csv").queryParam("date", "2031-01-20").get("/usage/routes").then()
                .statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("usage-routes-2031-01-20.csv")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals(5, lines.length, csv);
        assertTrue(lines[0].startsWith("date,route,target,requests,successes,rateLimited,"), lines[0]);
        assertTrue(lines[1].startsWith("2031-01-20,,,1,1,"), lines[1]);
        assertTrue(lines[2].startsWith("2031-01-20,r1,t1,2,1,1,0,0,0,0,"), lines[2]);
    }

    @Test
    void routesOutsideTheRetentionAndValidation() {
        admin().queryParam("date", "2020-01-01").get("/usage/routes").then().statusCode(200)
                .body("retained", equalTo(false)).body("rows.size()", equalTo(0))
                .body("totals.requests", equalTo(0)).body("note", containsString("GEMINI_POOL_USAGE_RETENTION_DAYS"));
        LocalDate today = LocalDate.now(UsageDays.ZONE);
        String date = admin().get("/usage/routes").then().statusCode(200).body("retained", equalTo(true))
                .extract().jsonPath().getString("date");
        assertTrue(date.equals(today.toString()) || date.equals(today.plusDays(1).toString()), date);
        for (String bad : List.of("2031-02-30", "today", "2031/01/01")) {
            admin().queryParam("date", bad).get("/usage/routes").then().statusCode(400)
                    .body("error", containsString("YYYY-MM-DD"));
        }
    }

    @Test
    void bothNeedTheAdminToken() {
        for (String path : List.of("/usage/hourly", "/usage/routes")) {
            given().get(path).then().statusCode(401);
            given().header("Authorization", "Bearer " + INTERNAL).get(path).then().statusCode(401);
        }
    }
}
