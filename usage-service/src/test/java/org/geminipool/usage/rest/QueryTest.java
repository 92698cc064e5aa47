package org.geminipool.usage.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.testsupport.MariaDbTestResource;
import org.geminipool.usage.service.UsageDays;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.geminipool.usage.UsageApi.*;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_usage"))
class QueryTest {

    @Test
    void queriesNeedTheAdminToken() {
        for (String path : List.of("/usage/daily", "/usage/clients", "/usage/summary")) {
            given().get(path).then().statusCode(401).contentType("application/json")
                    .body("error", containsString("admin token"));
            given().header("Authorization", "Bearer " + INTERNAL).get(path).then().statusCode(401);
            given().header("Authorization", "Bearer " + ADMIN + "x").get(path).then().statusCode(401);
            admin().get(path).then().statusCode(200);
        }
        given().post("/usage/prune").then().statusCode(401);
    }

    @Test
    void badDatesAre400() {
        for (String bad : List.of("2026-02-30", "26-01-01", "2026/01/01", "today", "2026-13-01")) {
            admin().queryParam("date", bad).get("/usage/daily").then().statusCode(400)
                    .contentType("application/json").body("error", containsString("YYYY-MM-DD"));
            admin().queryParam("date", bad).get("/usage/clients").then().statusCode(400);
            admin().queryParam("from", bad).queryParam("to", "2026-01-01").get("/usage/summary").then()
                    .statusCode(400).body("error", containsString("from"));
            admin().queryParam("from", "2026-01-01").queryParam("to", bad).get("/usage/summary").then()
                    .statusCode(400).body("error", containsString("to"));
        }
    }

    @Test
    void summaryRangeRules() {
        admin().queryParam("from", "2026-05-02").queryParam("to", "2026-05-01").get("/usage/summary").then()
                .statusCode(400).body("error", containsString("after"));
        // 92 days inclusive is the limit (%test and default)
        admin().queryParam("from", "2026-01-01").queryParam("to", "2026-04-02").get("/usage/summary").then()
                .statusCode(200).body("days.size()", equalTo(92));
        admin().queryParam("from", "2026-01-01").queryParam("to", "2026-04-03").get("/usage/summary").then()
                .statusCode(400).body("error", containsString("limit of 92"));
        admin().queryParam("from", "2026-05-01").queryParam("to", "2026-05-01").get("/usage/summary").then()
                .statusCode(200).body("days.size()", equalTo(1)).body("days[0].requests", equalTo(0));
    }

    @Test
    void defaultsAreTodayInLosAngeles() {
        String key = unique("key");
        String model = unique("model");
        post(List.of(event(Instant.now().toString(), key, model))).statusCode(200);
        LocalDate today = LocalDate.now(UsageDays.ZONE);
        var daily = admin().queryParam("keyId", key).get("/usage/daily").then().statusCode(200).extract().jsonPath();
        if (daily.getString("date").equals(today.toString())) { // not across a midnight during the test
            assertEquals(1, daily.getInt("rows[0].requests"));
            assertEquals("America/Los_Angeles", daily.getString("timeZone"));
        }
        var summary = admin().get("/usage/summary").then().statusCode(200).extract().jsonPath();
        assertEquals(7, summary.getList("days").size());
        assertTrue(summary.getString("to").equals(today.toString())
                || summary.getString("to").equals(today.plusDays(1).toString()));
        admin().get("/usage/clients").then().statusCode(200).body("date", startsWith(String.valueOf(today.getYear())));
    }

    @Test
    void dailyFiltersByKeyAndModel() {
        String key = unique("key");
        String m1 = unique("model");
        String m2 = unique("model");
        String at = "2026-06-20T18:00:00Z";
        post(List.of(event(at, key, m1), event(at, key, m2), event(at, key, m2))).statusCode(200);
        admin().queryParam("date", "2026-06-20").queryParam("keyId", key).get("/usage/daily").then()
                .statusCode(200).body("rows.size()", equalTo(2)).body("totals.requests", equalTo(3));
        admin().queryParam("date", "2026-06-20").queryParam("keyId", key).queryParam("model", m2)
                .get("/usage/daily").then().statusCode(200).body("rows.size()", equalTo(1))
                .body("rows[0].model", equalTo(m2)).body("rows[0].requests", equalTo(2));
    }

    @Test
    void csvExportOfEachQuery() {
        String key = unique("key");
        String model = "odd,\"model\"-" + unique("m");
        String at = "2026-08-08T18:00:00Z";
        post(List.of(event(at, key, model), with(event(at, key, model), "clientTokenId", "c1"))).statusCode(200);

        String daily = admin().accept("text/csv").queryParam("date", "2026-08-08").queryParam("keyId", key)
                .get("/usage/daily").then().statusCode(200).contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("usage-daily-2026-08-08.csv"))
                .extract().asString();
        String[] lines = daily.split("\r\n");
        assertEquals("date,keyId,model,requests,successes,rateLimited,dayExhausted,invalidOrDenied,upstreamErrors,"
                + "clientErrors,promptTokens,completionTokens,thoughtTokens,totalLatencyMs", lines[0]);
        assertEquals(2, lines.length);
        String escaped = "\"" + model.replace("\"", "\"\"") + "\"";
        assertEquals("2026-08-08," + key + "," + escaped + ",2,2,0,0,0,0,0,20,40,10,200", lines[1]);

        String clients = admin().accept("text/csv").queryParam("date", "2026-08-08").get("/usage/clients").then()
                .statusCode(200).contentType(startsWith("text/csv")).extract().asString();
        assertTrue(clients.startsWith("date,clientTokenId,model,requests,"), clients);
        assertTrue(clients.contains("2026-08-08,c1," + escaped + ",1,1,"), clients);

        String summary = admin().queryParam("format", "csv").queryParam("from", "2026-08-07")
                .queryParam("to", "2026-08-08").get("/usage/summary").then().statusCode(200)
                .contentType(startsWith("text/csv")).extract().asString();
        String[] s = summary.split("\r\n");
        assertEquals(3, s.length);
        assertTrue(s[0].startsWith("date,requests,successes,"));
        assertTrue(s[1].startsWith("2026-08-07,0,0,"));
        assertTrue(s[2].startsWith("2026-08-08,2,2,"));

        // JSON stays the default
        admin().queryParam("date", "2026-08-08").get("/usage/daily").then().statusCode(200)
                .contentType(startsWith("application/json"));
    }
}
