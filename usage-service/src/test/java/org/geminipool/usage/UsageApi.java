package org.geminipool.usage;

import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Test helpers for the usage API (tokens as set in application.properties' %test profile). */
public final class UsageApi {

    public static final String INTERNAL = "test-internal-token";
    public static final String ADMIN = "test-admin-token";

    private UsageApi() {
    }

    /** A unique name, so each test's aggregates are its own. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A SUCCESS event at {@code occurredAt} for key {@code keyId} and {@code model}. */
    public static Map<String, Object> event(String occurredAt, String keyId, String model) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", UUID.randomUUID().toString());
        e.put("occurredAt", occurredAt);
        e.put("keyId", keyId);
        e.put("project", "proj-a");
        e.put("model", model);
        e.put("route", "bulk");
        e.put("target", "flash-lite/" + model);
        e.put("provider", "google");
        e.put("clientTokenId", "0a1b2c3d4e5f");
        e.put("outcome", "SUCCESS");
        e.put("httpStatus", 200);
        e.put("latencyMs", 100);
        e.put("promptTokens", 10);
        e.put("completionTokens", 20);
        e.put("thoughtTokens", 5);
        return e;
    }

    public static Map<String, Object> with(Map<String, Object> event, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(event);
        copy.put(field, value);
        return copy;
    }

    public static List<Map<String, Object>> events(int n, String occurredAt, String keyId, String model) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(event(occurredAt, keyId, model));
        }
        return list;
    }

    public static Map<String, Object> batch(List<Map<String, Object>> events) {
        Map<String, Object> body = new HashMap<>();
        body.put("events", events);
        return body;
    }

    public static RequestSpecification internal() {
        return given().header("Authorization", "Bearer " + INTERNAL).contentType("application/json");
    }

    public static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + ADMIN);
    }

    public static ValidatableResponse post(List<Map<String, Object>> events) {
        return internal().body(batch(events)).post("/usage/events").then();
    }

    /** The day's row for (keyId, model) as a map, or null. */
    public static Map<String, Object> dailyRow(String date, String keyId, String model) {
        List<Map<String, Object>> rows = admin().queryParam("date", date).queryParam("keyId", keyId)
                .queryParam("model", model).get("/usage/daily").then().statusCode(200).extract().jsonPath()
                .getList("rows");
        return rows.isEmpty() ? null : rows.get(0);
    }

    public static long requests(String date, String keyId, String model) {
        Map<String, Object> row = dailyRow(date, keyId, model);
        return row == null ? 0 : ((Number) row.get("requests")).longValue();
    }
}
