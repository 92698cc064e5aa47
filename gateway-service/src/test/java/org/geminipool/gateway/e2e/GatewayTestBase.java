package org.geminipool.gateway.e2e;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.usage.UsageShipper;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.simulator.ProjectTier;
import org.geminipool.testsupport.FakeKeys;
import org.junit.jupiter.api.AfterEach;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;

/**
 * Shared helpers of the gateway's end-to-end tests: fresh demo-like keys in the simulator and the keypool, routes per
 * test, and the client side of the gateway. Every subclass carries the same test resource, so one gateway, one
 * keypool and one usage-service serve all of them.
 */
public abstract class GatewayTestBase {

    private static final AtomicInteger SEQ = new AtomicInteger();

    @Inject
    RouteTable routeTable;

    @Inject
    UsageShipper shipper;

    @AfterEach
    void restoreRoutes() {
        routeTable.reset();
    }

    protected static GeminiSimulator sim() {
        return PoolServicesTestResource.simulator();
    }

    /** A unique name for this test's pools and projects. */
    protected static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
    }

    /** A generated fake key (test-support FakeKeys); successive calls cycle through every kind Google issues. */
    public static String newKey() {
        return FakeKeys.anyKind();
    }

    /** A generated fake auth key ({@code AQ.} + segments), a kind that is not 39 characters long. */
    public static String authKey() {
        return FakeKeys.auth("AQ.");
    }

    /** A key known to the simulator with the given status, imported into the keypool; returns its keypool id. */
    protected static String addKey(String apiKey, String project, KeyStatus status, String... pools) {
        sim().addKey(apiKey, project, status);
        return importKeys(List.of(apiKey), project, pools).get(apiKey);
    }

    /** Imports keys into the keypool (pools and project on every line); answers apiKey → key id. */
    protected static Map<String, String> importKeys(List<String> keys, String project, String... pools) {
        StringBuilder body = new StringBuilder();
        for (String k : keys) {
            body.append(k).append(" pool=").append(String.join(",", pools));
            if (project != null) {
                body.append(" project=").append(project);
            }
            body.append('\n');
        }
        JsonPath answer = given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN)
                .contentType(ContentType.TEXT).body(body.toString())
                .post("/admin/keys/import").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> imported = answer.getList("keys");
        if (imported.size() != keys.size()) {
            throw new AssertionError("import answered " + answer.prettify());
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String masked = String.valueOf(imported.get(i).get("masked"));
            String key = keys.get(i);
            if (!masked.endsWith(key.substring(key.length() - 4))) {
                throw new AssertionError("import answer out of order: " + masked + " for line " + i);
            }
            ids.put(key, String.valueOf(imported.get(i).get("id")));
        }
        return ids;
    }

    protected static JsonPath keyInfo(String keyId) {
        return given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN)
                .get("/admin/keys/" + keyId).then().statusCode(200).extract().jsonPath();
    }

    /**
     * Runs {@code action} with every key of {@code project} disabled, then enables them again: a create that names no
     * object goes to the project of the client's newest object (README "Affinity", steering), so a test that needs a
     * client's objects in a second project takes the first one out of the way meanwhile.
     */
    protected static <T> T withProjectDisabled(String project, java.util.function.Supplier<T> action) {
        List<String> ids = adminKeys().queryParam("project", project)
                .get("/admin/keys").then().statusCode(200).extract().jsonPath().getList("id", String.class);
        return withKeysDisabled(ids, action);
    }

    /**
     * Runs {@code action} with every active key outside {@code projects} disabled, then enables those again: the test
     * classes share one keypool, so a quota-free create (files.upload) may otherwise land on, or be steered to, another
     * test's project — one whose quota that test spent.
     */
    protected static <T> T withOnlyProjects(java.util.Collection<String> projects,
                                            java.util.function.Supplier<T> action) {
        List<Map<String, Object>> active = adminKeys().queryParam("state", "ACTIVE")
                .get("/admin/keys").then().statusCode(200).extract().jsonPath().getList("$");
        List<String> others = active.stream().filter(k -> !projects.contains(String.valueOf(k.get("project"))))
                .map(k -> String.valueOf(k.get("id"))).toList();
        return withKeysDisabled(others, action);
    }

    private static <T> T withKeysDisabled(List<String> ids, java.util.function.Supplier<T> action) {
        try {
            ids.forEach(id -> setKeyState(id, "DISABLED"));
            return action.get();
        } finally {
            ids.forEach(id -> setKeyState(id, "ACTIVE"));
        }
    }

    private static RequestSpecification adminKeys() {
        return given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN);
    }

    protected static void setKeyState(String keyId, String state) {
        adminKeys().contentType(ContentType.JSON)
                .body("{\"state\":\"" + state + "\"}").patch("/admin/keys/" + keyId).then().statusCode(200);
    }

    private static boolean defaultPoolsReady;

    /** Two valid keys (own projects) in each free pool of the built-in routes: flash-lite, flash, pro, embedding. */
    protected static synchronized void ensureDefaultPools() {
        if (defaultPoolsReady) {
            return;
        }
        for (String pool : List.of("flash-lite", "flash", "pro", "embedding")) {
            for (int i = 0; i < 2; i++) {
                String project = unique("default-" + pool);
                if (pool.equals("pro")) {
                    sim().setProjectTier(project, ProjectTier.PAID); // today's free tier has no pro (limit: 0)
                }
                addKey(newKey(), project, KeyStatus.VALID, pool);
            }
        }
        sim().setOpenRouterKey(PoolServicesTestResource.OPENROUTER_KEY, 1000);
        defaultPoolsReady = true;
    }

    /** Every upstream call the simulator has seen (all keys, answered or refused, plus OpenRouter). */
    protected static long upstreamCalls() {
        JsonPath c = given().baseUri(sim().baseUrl()).get("/_sim/counters").then().statusCode(200).extract().jsonPath();
        long n = 0;
        Map<String, Map<String, Number>> keys = c.getMap("keys");
        for (Map<String, Number> v : keys.values()) {
            n += v.get("accepted").longValue() + v.get("refused").longValue();
        }
        n += c.getLong("openRouter.accepted") + c.getLong("openRouter.refused");
        return n;
    }

    protected void useRoutes(String yaml) {
        routeTable.replace(yaml);
    }

    /** Sets a project's quota for a model in the keypool (a paid project's override) and in the simulator. */
    protected static void projectQuota(String project, String model, int rpm, int rpd) {
        given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN)
                .contentType(ContentType.JSON).body("{\"rpm\":" + rpm + ",\"rpd\":" + rpd + "}")
                .put("/admin/projects/" + project + "/quotas/" + model).then().statusCode(org.hamcrest.Matchers.lessThan(300));
        sim().setProjectQuota(project, model, rpm, rpd);
    }

    /** Like {@link #projectQuota(String, String, int, int)} with an input-tokens-per-minute limit on both sides. */
    protected static void projectQuota(String project, String model, int rpm, int rpd, int tpm) {
        given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN)
                .contentType(ContentType.JSON).body("{\"rpm\":" + rpm + ",\"rpd\":" + rpd + ",\"tpm\":" + tpm + "}")
                .put("/admin/projects/" + project + "/quotas/" + model).then().statusCode(org.hamcrest.Matchers.lessThan(300));
        sim().setProjectQuota(project, model, rpm, rpd, tpm);
    }

    protected static RequestSpecification client() {
        return given().header("Authorization", "Bearer " + PoolServicesTestResource.CLIENT_TOKEN);
    }

    protected static String geminiBody(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":" + quote(text) + "}]}]}";
    }

    protected static String chatBody(String model, String text, boolean stream) {
        return "{\"model\":" + quote(model) + ",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(text) + "}]}";
    }

    protected static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Waits (bounded) until the gateway's usage queue is empty and nothing is left spilled on disk. */
    protected void awaitUsageShipped() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (shipper.depth() == 0 && shipper.spilledOnDisk() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("usage events still queued: " + shipper.depth() + " in memory, "
                + shipper.spilledOnDisk() + " on disk");
    }

    protected static LocalDate pacificToday() {
        return LocalDate.now(ZoneId.of("America/Los_Angeles"));
    }

    /** usage-service's per (key, model) rows of a Pacific day, as maps. */
    protected static List<Map<String, Object>> usageDaily(LocalDate day) {
        List<Map<String, Object>> rows = given().baseUri(PoolServicesTestResource.usage().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN)
                .queryParam("date", day.toString()).get("/usage/daily")
                .then().statusCode(200).extract().jsonPath().getList("rows");
        return rows == null ? new ArrayList<>() : rows;
    }

    protected static long number(Map<String, Object> row, String field) {
        Object v = row.get(field);
        return v == null ? 0 : ((Number) v).longValue();
    }

    static {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }
}
