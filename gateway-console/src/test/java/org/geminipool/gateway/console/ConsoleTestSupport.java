package org.geminipool.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Shared steps of the console tests: log in, read the form token, make fake keys, post usage, ask usage. */
final class ConsoleTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private ConsoleTestSupport() {
    }

    /** Logs in with the admin token; returns the session cookie value. */
    static String login() {
        Response r = RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", ConsoleServicesTestResource.ADMIN_TOKEN).post("/console/login");
        assertEquals(303, r.statusCode(), r.asString());
        String cookie = r.getCookie("gp_console");
        assertNotNull(cookie, "no session cookie after a good login");
        return cookie;
    }

    static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no csrf field in the page");
        }
        return m.group(1);
    }

    static String page(String cookie, String path) {
        Response r = RestAssured.given().redirects().follow(false).cookie("gp_console", cookie).accept("text/html")
                .get(path);
        assertEquals(200, r.statusCode(), path + ": " + r.asString());
        return r.asString();
    }

    /** A generated fake key (test-support FakeKeys): successive calls cycle through every kind Google issues. */
    static String rawKey() {
        return org.geminipool.testsupport.FakeKeys.anyKind();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Posts events straight to usage-service with the internal token (as the gateway's shipper would). */
    static void postUsage(List<Map<String, Object>> events) throws Exception {
        String body = JSON.writeValueAsString(Map.of("events", events));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                        ConsoleServicesTestResource.usage().baseUrl() + "/usage/events"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ConsoleServicesTestResource.INTERNAL_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    static Map<String, Object> event(String keyId, String model, String outcome, String clientTokenId) {
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("occurredAt", Instant.now().toString());
        e.put("keyId", keyId);
        e.put("project", "p-console");
        e.put("model", model);
        e.put("route", "bulk");
        e.put("provider", "google");
        e.put("clientTokenId", clientTokenId);
        e.put("outcome", outcome);
        e.put("httpStatus", "SUCCESS".equals(outcome) ? 200 : 429);
        e.put("latencyMs", 100);
        e.put("promptTokens", 10);
        e.put("completionTokens", 5);
        return e;
    }

    static List<Map<String, Object>> events(String keyId, String model, String outcome, String client, int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(event(keyId, model, outcome, client));
        }
        return out;
    }

    /** GET on usage-service's query API with the admin token. */
    static JsonNode usageApi(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                        ConsoleServicesTestResource.usage().baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ConsoleServicesTestResource.ADMIN_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** GET on keypool's admin API with the admin token. */
    static JsonNode keypoolApi(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                        ConsoleServicesTestResource.keypool().baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ConsoleServicesTestResource.ADMIN_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }
}
