package org.geminipool.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.geminipool.gateway.console.ConsoleTestSupport.csrf;
import static org.geminipool.gateway.console.ConsoleTestSupport.events;
import static org.geminipool.gateway.console.ConsoleTestSupport.keypoolApi;
import static org.geminipool.gateway.console.ConsoleTestSupport.login;
import static org.geminipool.gateway.console.ConsoleTestSupport.page;
import static org.geminipool.gateway.console.ConsoleTestSupport.postUsage;
import static org.geminipool.gateway.console.ConsoleTestSupport.rawKey;
import static org.geminipool.gateway.console.ConsoleTestSupport.unique;
import static org.geminipool.gateway.console.ConsoleTestSupport.usageApi;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pages against the real keypool and usage services: keys, actions, usage, routes, overview, escaping. */
@QuarkusTest
@WithTestResource(ConsoleServicesTestResource.class)
class ConsolePagesTest {

    static final String EVIL = "<script>alert(1)</script>";

    static Response post(String cookie, String path, Map<String, String> form) {
        var req = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie)
                .contentType("application/x-www-form-urlencoded");
        form.forEach(req::formParam);
        return req.post(path);
    }

    @Test
    void importListActAndNeverShowARawKey() throws Exception {
        String cookie = login();
        String pool = unique("pages");
        String project = unique("proj");
        List<String> raw = List.of(rawKey(), rawKey(), rawKey());
        String body = raw.get(0) + "\n" + raw.get(1) + " project=" + project + "\nnot-a-key\n" + raw.get(2) + "\n" + raw.get(0);
        String csrf = csrf(page(cookie, "/console/keys"));

        // Without the confirmation tick: nothing is imported.
        Response unconfirmed = post(cookie, "/console/keys/import", Map.of("csrf", csrf, "keys", body, "pool", pool));
        assertEquals(400, unconfirmed.statusCode());
        assertTrue(unconfirmed.asString().contains("tick"), unconfirmed.asString());
        assertEquals(0, keypoolApi("/admin/keys?pool=" + pool).size());

        Response imported = post(cookie, "/console/keys/import",
                Map.of("csrf", csrf, "keys", body, "pool", pool, "confirm", "yes"));
        String html = imported.asString();
        assertEquals(200, imported.statusCode(), html);
        assertTrue(html.contains("3 added, 1 duplicates, 1 rejected lines"), html);
        assertTrue(html.contains("not an API key"), "rejected line reason shown");
        for (String k : raw) {
            assertFalse(html.contains(k), "raw key in the import result page");
            assertFalse(html.contains(k.substring(4, 30)), "raw key body in the page");
        }

        String list = page(cookie, "/console/keys?pool=" + pool);
        JsonNode keys = keypoolApi("/admin/keys?pool=" + pool);
        assertEquals(3, keys.size());
        for (JsonNode k : keys) {
            assertTrue(list.contains(k.get("masked").asText()), "masked key listed");
        }
        for (String k : raw) {
            assertFalse(list.contains(k), "raw key in the keys page");
        }
        assertTrue(page(cookie, "/console/keys?project=" + project).contains(project));

        String id = keys.get(0).get("id").asText();
        // Disable: the first post asks, the confirmed one acts and says so.
        Response ask = post(cookie, "/console/keys/" + id + "/disable", Map.of("csrf", csrf));
        assertEquals(200, ask.statusCode());
        assertTrue(ask.asString().contains("Please confirm"), ask.asString());
        assertEquals("ACTIVE", keypoolApi("/admin/keys/" + id).get("state").asText());
        Response done = post(cookie, "/console/keys/" + id + "/disable", Map.of("csrf", csrf, "confirm", "yes"));
        assertEquals(200, done.statusCode());
        assertTrue(done.asString().contains("is disabled"), done.asString());
        assertEquals("DISABLED", keypoolApi("/admin/keys/" + id).get("state").asText());
        assertTrue(page(cookie, "/console/keys?state=DISABLED&pool=" + pool).contains(keys.get(0).get("masked").asText()));

        Response enable = post(cookie, "/console/keys/" + id + "/enable", Map.of("csrf", csrf, "confirm", "yes"));
        assertTrue(enable.asString().contains("is enabled"), enable.asString());
        assertEquals("ACTIVE", keypoolApi("/admin/keys/" + id).get("state").asText());

        String target = unique("moved");
        Response askMove = post(cookie, "/console/keys/" + id + "/pools", Map.of("csrf", csrf, "pools", target + ", " + pool));
        assertTrue(askMove.asString().contains("Please confirm"));
        Response moved = post(cookie, "/console/keys/" + id + "/pools",
                Map.of("csrf", csrf, "pools", target + "," + pool, "confirm", "yes"));
        assertEquals(200, moved.statusCode(), moved.asString());
        assertTrue(keypoolApi("/admin/keys/" + id).get("pools").toString().contains(target));

        // Verify: keypool's answer (or its error) is shown, never a 5xx page.
        Response verify = post(cookie, "/console/keys/" + id + "/verify", Map.of("csrf", csrf, "confirm", "yes"));
        assertTrue(verify.statusCode() == 200 || verify.statusCode() == 400, verify.statusCode() + "");
        assertTrue(verify.asString().contains("verif") || verify.asString().contains("Verif"), verify.asString());

        String deleteId = keys.get(1).get("id").asText();
        Response deleted = post(cookie, "/console/keys/" + deleteId + "/delete", Map.of("csrf", csrf, "confirm", "yes"));
        assertTrue(deleted.asString().contains("is deleted"), deleted.asString());
        assertEquals(2, keypoolApi("/admin/keys?pool=" + pool).size());

        // An unknown key: a clear message, not a 5xx.
        Response unknown = post(cookie, "/console/keys/999999999/disable", Map.of("csrf", csrf));
        assertEquals(404, unknown.statusCode());
    }

    @Test
    void usageAndOverviewShowUsageNumbersEscaped() throws Exception {
        String cookie = login();
        String keyId = unique("k");
        List<Map<String, Object>> batch = new ArrayList<>();
        batch.addAll(events(keyId, "gemini-3.8-flash", "SUCCESS", "client-a", 3));
        batch.addAll(events(keyId, "gemini-3.8-flash", "RATE_LIMITED", EVIL, 2));
        batch.addAll(events(keyId, EVIL, "UPSTREAM_ERROR", "client-a", 1));
        postUsage(batch);

        JsonNode daily = usageApi("/usage/daily");
        String date = daily.get("date").asText();
        String usage = page(cookie, "/console/usage?date=" + date);
        assertFalse(usage.contains(EVIL), "markup from usage data must be escaped");
        assertTrue(usage.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown escaped");
        assertTrue(usage.contains(keyId));
        assertTrue(usage.contains("data-metric=\"requests\">" + daily.get("totals").get("requests").asLong() + "<"),
                "usage totals equal the usage API's");

        Response csv = RestAssured.given().cookie("gp_console", cookie).get("/console/usage/keys.csv?date=" + date);
        assertEquals(200, csv.statusCode());
        assertTrue(csv.getHeader("Content-Disposition").startsWith("attachment"), csv.getHeader("Content-Disposition"));
        assertTrue(csv.asString().startsWith("date,keyId,model,requests"), csv.asString());
        assertTrue(csv.asString().contains(keyId));
        Response clientsCsv = RestAssured.given().cookie("gp_console", cookie).get("/console/usage/clients.csv");
        assertEquals(200, clientsCsv.statusCode());
        assertTrue(clientsCsv.asString().contains("client-a"));

        String overview = page(cookie, "/console");
        assertFalse(overview.contains(EVIL));
        JsonNode totals = usageApi("/usage/daily").get("totals");
        for (String metric : List.of("requests", "successes", "rateLimited", "dayExhausted", "invalidOrDenied",
                "upstreamErrors", "clientErrors")) {
            assertEquals(totals.get(metric).asLong(), metric(overview, metric), metric);
        }
        assertTrue(overview.contains("<svg"), "chart present");
        assertTrue(overview.contains("id=\"hourly-chart\""), "hourly chart present");
        assertFalse(overview.contains("no per-hour data"), "the old limitation is gone");

        // This hour and the hourly chart equal usage-service's /usage/hourly (unless the hour turned meanwhile).
        JsonNode before = usageApi("/usage/hourly?hours=24");
        String overviewAgain = page(cookie, "/console");
        JsonNode after = usageApi("/usage/hourly?hours=24");
        JsonNode rows = after.get("rows");
        assertEquals(24, rows.size());
        JsonNode current = rows.get(23);
        assertTrue(current.get("requests").asLong() >= 6, "this hour counts the events just posted: " + current);
        if (before.get("to").asText().equals(after.get("to").asText())) {
            for (String metric : List.of("requests", "successes", "rateLimited", "dayExhausted", "invalidOrDenied",
                    "upstreamErrors", "clientErrors")) {
                assertEquals(current.get(metric).asLong(), hourMetric(overviewAgain, metric), "this hour " + metric);
            }
            for (JsonNode row : rows) {
                String hour = row.get("hour").asText();
                Matcher m = Pattern.compile("data-hour-requests=\"" + Pattern.quote(hour) + "\">(\\d+)<")
                        .matcher(overviewAgain);
                assertTrue(m.find(), "hour " + hour + " in the chart table");
                assertEquals(row.get("requests").asLong(), Long.parseLong(m.group(1)), hour);
            }
        }

        Response json = RestAssured.given().cookie("gp_console", cookie).accept("application/json").get("/console/api/overview");
        assertEquals(200, json.statusCode());
        assertEquals(totals.get("requests").asLong(), json.jsonPath().getLong("totals.requests"));
        assertEquals(24, json.jsonPath().getList("hourly").size());
        assertTrue(json.jsonPath().getLong("thisHour.requests") >= 6);
    }

    @Test
    void routesPageShowsCallsPerRouteAndTarget() throws Exception {
        String cookie = login();
        String keyId = unique("k");
        List<Map<String, Object>> batch = new ArrayList<>();
        for (var e : events(keyId, "gemini-3.1-pro-preview", "SUCCESS", "client-r", 3)) {
            e.put("route", "expert");
            e.put("target", "pro:gemini-3.1-pro-preview");
            batch.add(e);
        }
        for (var e : events(keyId, "gemini-3.1-flash-lite", "SUCCESS", "client-r", 2)) {
            e.put("route", "bulk");
            e.put("target", "openrouter:google/gemini-3.1-flash-lite");
            batch.add(e);
        }
        for (var e : events(keyId, "gemini-3.8-flash", "SUCCESS", "client-r", 1)) {
            e.put("route", "retired-" + EVIL);
            e.put("target", "gemini-3.8-flash");
            batch.add(e);
        }
        postUsage(batch);

        JsonNode before = usageApi("/usage/routes");
        String routes = page(cookie, "/console/routes");
        JsonNode after = usageApi("/usage/routes");
        assertFalse(routes.contains(EVIL), "route names from usage data are escaped");
        assertTrue(routes.contains("retired-&lt;script&gt;"), "a route no longer in the rules is listed");
        assertFalse(routes.contains("does not aggregate per route"), "the old approximation is gone");
        if (before.equals(after)) { // no other traffic and no Pacific midnight in between
            Map<String, Long> perRoute = new java.util.HashMap<>();
            Map<String, Long> perTarget = new java.util.HashMap<>();
            for (JsonNode row : after.get("rows")) {
                if (!row.get("route").isNull()) {
                    perRoute.merge(row.get("route").asText(), row.get("requests").asLong(), Long::sum);
                    perTarget.merge(row.get("route").asText() + "|" + row.get("target").asText(),
                            row.get("requests").asLong(), Long::sum);
                }
            }
            assertTrue(perRoute.get("expert") >= 3 && perRoute.get("bulk") >= 2, perRoute.toString());
            for (String route : List.of("expert", "bulk")) {
                Matcher m = Pattern.compile("<tr data-route=\"" + route + "\">.*?data-route-calls>(\\d+)<",
                        Pattern.DOTALL).matcher(routes);
                assertTrue(m.find(), route + " row");
                assertEquals(perRoute.get(route), Long.parseLong(m.group(1)), route);
            }
            Matcher t = Pattern.compile("data-target-calls=\"openrouter:google/gemini-3.1-flash-lite\">(\\d+)<")
                    .matcher(routes);
            assertTrue(t.find(), "bulk's openrouter target");
            assertEquals(perTarget.get("bulk|openrouter:google/gemini-3.1-flash-lite"), Long.parseLong(t.group(1)));
            assertEquals(after.get("totals").get("requests").asLong(), metric(routes, "routeRequests"));
        }
    }

    @Test
    void routesPageEscapesRuleNames() {
        String cookie = login();
        String routes = page(cookie, "/console/routes");
        assertFalse(routes.contains(TestRoutesView.EVIL_ROUTE));
        assertTrue(routes.contains("&lt;script&gt;alert(&#39;route&#39;)&lt;/script&gt;")
                || routes.contains("&lt;script&gt;alert(&#x27;route&#x27;)&lt;/script&gt;"), routes);
        assertTrue(routes.contains("expert") && routes.contains("[专家模式]"));
        assertTrue(routes.contains("openrouter: google/gemini-3.1-flash-lite"));
        assertTrue(routes.contains("Calls today per route and target"));
    }

    @Test
    void routesPageShowsWhichPoolsDirectRequestsMayUse() {
        String routes = page(login(), "/console/routes");
        assertTrue(routes.contains("Pools and direct requests"), routes);
        for (String[] row : new String[][]{{"flash-lite", "true"}, {"pro", "false"}, {"image", "false"}}) {
            Matcher m = Pattern.compile("<tr data-pool=\"" + row[0] + "\"><th scope=\"row\">[^<]+</th><td data-direct=\""
                    + row[1] + "\">").matcher(routes);
            assertTrue(m.find(), row[0] + " direct=" + row[1] + " in\n" + routes);
        }
        assertTrue(routes.contains("no (reserved for its routes)") && routes.contains("may use it"), routes);
    }

    static long hourMetric(String html, String name) {
        Matcher m = Pattern.compile("data-hour-metric=\"" + name + "\">(\\d+)<").matcher(html);
        assertTrue(m.find(), "this-hour metric " + name + " on the page");
        return Long.parseLong(m.group(1));
    }

    static long metric(String html, String name) {
        Matcher m = Pattern.compile("data-metric=\"" + name + "\">(\\d+)<").matcher(html);
        assertTrue(m.find(), "metric " + name + " on the page");
        return Long.parseLong(m.group(1));
    }
}
