package org.geminipool.keypool.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.geminipool.keypool.TestKeys;
import org.geminipool.keypool.service.KeyCrypto;
import org.geminipool.testsupport.MariaDbTestResource;
import org.geminipool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.geminipool.keypool.TestKeys.admin;
import static org.geminipool.keypool.TestKeys.importKeys;
import static org.geminipool.keypool.TestKeys.lease;
import static org.geminipool.keypool.TestKeys.quota;
import static org.geminipool.keypool.TestKeys.rawKey;
import static org.geminipool.keypool.TestKeys.unique;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API: import rules, masked listing, changes, capacity, quotas; raw keys never leave. */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_keypool"))
class AdminKeyTest {

    /** Every admin answer of this class, searched for raw keys at the end. */
    private static final List<String> ANSWERS = new ArrayList<>();

    @AfterAll
    static void noRawKeyInAnswersOrLog() throws Exception {
        for (String answer : ANSWERS) {
            for (String key : TestKeys.generated()) {
                assertFalse(answer.contains(key) || answer.contains(key.substring(4)), "raw key in an admin answer");
            }
        }
        TestKeys.assertNoRawKeyInLog();
    }

    private static String keep(String body) {
        ANSWERS.add(body);
        return body;
    }

    @Test
    void importReportsEveryLineAndWritesOnlyTheGoodOnes() throws Exception {
        String pool = unique("p");
        String project = unique("proj");
        String k1 = rawKey();
        String k2 = rawKey();
        String existing = rawKey();
        importKeys(pool, existing);
        String body = String.join("\n",
                "# comment line",
                k1,
                k2 + " pool=a-" + pool + ",b-" + pool + " project=" + project,
                "",
                "not-a-key",
                k1,
                existing,
                "AIzaTooShort",
                rawKey() + " colour=blue",
                rawKey() + " pool=bad!name");
        String answer = keep(admin().contentType("text/plain").queryParam("pool", pool).body(body)
                .post("/admin/keys/import").then().statusCode(200).extract().asString());
        JsonPath json = JsonPath.from(answer);
        assertEquals(2, json.getInt("added"));
        assertEquals(2, json.getInt("duplicates"));
        assertEquals(List.of(5, 8, 9, 10), json.getList("rejected.line", Integer.class));
        assertTrue(json.getString("rejected[2].reason").contains("colour"));
        assertEquals(KeyCrypto.mask(k1), json.getString("keys[0].masked"));
        assertEquals(List.of(pool), json.getList("keys[0].pools"));
        assertEquals(List.of("a-" + pool, "b-" + pool), json.getList("keys[1].pools"));
        assertEquals(project, json.getString("keys[1].project"));
        assertTrue(json.getString("keys[0].project").startsWith("key-"), "a key without project is its own project");

        // The database holds the keys encrypted, never in clear.
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbcUrl("gp_test_keypool"), TestDatabase.user(),
                TestDatabase.password()); ResultSet rs = c.createStatement().executeQuery("SELECT secret, masked FROM gp_key")) {
            while (rs.next()) {
                String stored = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertFalse(stored.contains(k1.substring(4)) || stored.contains(k2.substring(4)));
            }
        }
    }

    @Test
    void tenThousandLinesImportInOnePieceAndRejectedLinesWriteNothing() throws Exception {
        String pool = unique("big");
        StringBuilder body = new StringBuilder();
        int bad = 0;
        for (int i = 1; i <= 10_000; i++) {
            if (i % 1000 == 0) {
                body.append("AIza-broken-").append(i).append("\u0007x").append('\n'); // a control character: not a key
                bad++;
            } else {
                body.append(rawKey()).append(" project=bulk-").append(i % 50).append('\n');
            }
        }
        long before = countKeys();
        JsonPath json = JsonPath.from(admin().contentType("text/plain").queryParam("pool", pool)
                .body(body.toString()).post("/admin/keys/import").then().statusCode(200).extract().asString());
        assertEquals(10_000 - bad, json.getInt("added"));
        assertEquals(bad, json.getList("rejected").size());
        assertEquals(1000, json.getInt("rejected[0].line"));
        assertEquals(before + 10_000 - bad, countKeys());
        admin().get("/admin/pools").then().statusCode(200)
                .body("find { it.pool == '" + pool + "' }.keys", equalTo(10_000 - bad));
        // importing the same body again adds nothing
        JsonPath again = JsonPath.from(admin().contentType("text/plain").queryParam("pool", pool)
                .body(body.toString()).post("/admin/keys/import").then().statusCode(200).extract().asString());
        assertEquals(0, again.getInt("added"));
        assertEquals(10_000 - bad, again.getInt("duplicates"));
        assertEquals(before + 10_000 - bad, countKeys());
    }

    @Test
    void importRejectsBadDefaultsAndWrongMediaType() {
        admin().contentType("text/plain").queryParam("pool", "bad pool").body(rawKey()).post("/admin/keys/import")
                .then().statusCode(400).body("error", notNullValue());
        admin().contentType("application/json").body("{}").post("/admin/keys/import")
                .then().statusCode(415).body("error", notNullValue());
    }

    @Test
    void listAndGetShowMaskedKeysOnly() {
        String pool = unique("p");
        String raw = rawKey();
        String id = importKeys(pool, raw).get(0);
        String list = keep(admin().queryParam("pool", pool).get("/admin/keys").then().statusCode(200)
                .body("", hasSize(1)).body("[0].id", equalTo(id)).body("[0].masked", equalTo(KeyCrypto.mask(raw)))
                .body("[0].fingerprint", notNullValue()).body("[0].state", equalTo("ACTIVE"))
                .extract().asString());
        assertFalse(list.contains(raw));
        keep(admin().get("/admin/keys/" + id).then().statusCode(200).body("pools", hasItem(pool)).extract().asString());
        admin().get("/admin/keys/999999999").then().statusCode(404).body("error", notNullValue());
        admin().get("/admin/keys/abc").then().statusCode(404);
        admin().queryParam("state", "WEIRD").get("/admin/keys").then().statusCode(400);
    }

    @Test
    void patchChangesStatePoolsAndProjectAndDeleteRemoves() {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 5, 5);
        String id = importKeys(pool, rawKey()).get(0);
        keep(admin().contentType("application/json").body(Map.of("state", "DISABLED")).patch("/admin/keys/" + id)
                .then().statusCode(200).body("state", equalTo("DISABLED")).extract().asString());
        lease(pool, model).then().statusCode(429).body("reason", equalTo("NO_KEYS"));
        String other = unique("p");
        String project = unique("proj");
        keep(admin().contentType("application/json")
                .body(Map.of("state", "ACTIVE", "pools", List.of(other), "project", project))
                .patch("/admin/keys/" + id).then().statusCode(200).body("state", equalTo("ACTIVE"))
                .body("pools", equalTo(List.of(other))).body("project", equalTo(project)).extract().asString());
        lease(pool, model).then().statusCode(429).body("reason", equalTo("NO_KEYS"));
        lease(other, model).then().statusCode(200).body("project", equalTo(project));
        admin().contentType("application/json").body(Map.of("state", "BANNED")).patch("/admin/keys/" + id)
                .then().statusCode(400);
        admin().contentType("application/json").body(Map.of("pools", List.of("no spaces allowed")))
                .patch("/admin/keys/" + id).then().statusCode(400);
        admin().contentType("application/json").body("{}").patch("/admin/keys/" + id).then().statusCode(400);
        admin().delete("/admin/keys/" + id).then().statusCode(204);
        admin().get("/admin/keys/" + id).then().statusCode(404);
        admin().delete("/admin/keys/" + id).then().statusCode(404);
        lease(other, model).then().statusCode(429).body("reason", equalTo("NO_KEYS"));
    }

    @Test
    void capacityCountsProjectsOnceAndFollowsLeases() {
        String pool = unique("p");
        String model = unique("m");
        quota(model, 3, 10);
        String shared = unique("proj");
        importKeys(pool, rawKey() + " project=" + shared, rawKey() + " project=" + shared,
                rawKey() + " project=" + unique("proj"));
        String path = "/admin/pools/" + pool + "/capacity";
        String find = "models.find { it.model == '" + model + "' }";
        admin().get(path).then().statusCode(200).body(find + ".keys", equalTo(3))
                .body(find + ".usableKeys", equalTo(3)).body(find + ".leftThisMinute", equalTo(6))
                .body(find + ".leftToday", equalTo(20));
        lease(pool, model).then().statusCode(200);
        admin().get(path).then().statusCode(200).body(find + ".leftToday", equalTo(19));
    }

    @Test
    void quotaTableReadAndUpdateWithValidation() {
        // The 2025 seed rows (models Google has retired) are gone: limits are learned, not shipped (design §3).
        admin().get("/admin/quotas").then().statusCode(200)
                .body("models.find { it.model == 'gemini-2.5-flash' }", nullValue())
                .body("models.find { it.model == 'gemini-2.0-flash' }", nullValue());
        String model = unique("m");
        admin().contentType("application/json").body(Map.of("rpm", 7, "rpd", 70, "tpm", 1000))
                .put("/admin/quotas/" + model).then().statusCode(200).body("rpm", equalTo(7));
        admin().contentType("application/json").body(Map.of("rpm", 8, "rpd", 80)).put("/admin/quotas/" + model)
                .then().statusCode(200);
        admin().get("/admin/quotas").then().body("models.find { it.model == '" + model + "' }.rpd", equalTo(80));
        admin().contentType("application/json").body(Map.of("rpm", -1, "rpd", 80)).put("/admin/quotas/" + model)
                .then().statusCode(400).body("error", containsString("rpm"));
        admin().contentType("application/json").body(Map.of("rpm", 1)).put("/admin/quotas/" + model)
                .then().statusCode(400);
        admin().contentType("application/json").body("{\"rpm\":\"lots\",\"rpd\":1}").put("/admin/quotas/" + model)
                .then().statusCode(400).body("error", notNullValue());
        admin().contentType("application/json").body(Map.of("rpm", 1, "rpd", -3))
                .put("/admin/projects/p1/quotas/" + model).then().statusCode(400);
        admin().get("/admin/quotas").then().body("models.find { it.model == '" + model + "' }.rpm", equalTo(8));
    }

    private static long countKeys() throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.jdbcUrl("gp_test_keypool"), TestDatabase.user(),
                TestDatabase.password()); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM gp_key")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
