package org.geminipool.gateway.console;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.geminipool.gateway.console.ConsoleTestSupport.login;
import static org.geminipool.gateway.console.ConsoleTestSupport.page;
import static org.geminipool.gateway.console.ConsoleTestSupport.rawKey;
import static org.geminipool.gateway.console.ConsoleTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Objects page: per project, the stored objects the pool pinned (kind, name, owner token id, key id, created,
 * expiry), from keypool's {@code GET /admin/objects}; never a raw key or token; only with a session.
 */
@QuarkusTest
@WithTestResource(ConsoleServicesTestResource.class)
class ConsoleObjectsTest {

    private static String keypool() {
        return ConsoleServicesTestResource.keypool().baseUrl();
    }

    private static List<String> importKeys(String pool, String... lines) {
        return RestAssured.given().baseUri(keypool()).header("Authorization", "Bearer " + ConsoleServicesTestResource.ADMIN_TOKEN)
                .contentType("text/plain").body(String.join("\n", lines)).queryParam("pool", pool)
                .post("/admin/keys/import").then().statusCode(200).extract().jsonPath().getList("keys.id", String.class);
    }

    private static void record(String name, String keyId, String owner, Duration ttl) {
        RestAssured.given().baseUri(keypool()).header("Authorization", "Bearer " + ConsoleServicesTestResource.INTERNAL_TOKEN)
                .contentType("application/json").body(Map.of("name", name, "keyId", keyId, "owner", owner,
                        "expiresAt", Instant.now().plus(ttl).toString()))
                .post("/objects").then().statusCode(204);
    }

    @Test
    void objectsAreShownPerProjectWithTheirOwnerAndExpiry() {
        String pool = unique("objects");
        String projectA = unique("obj-a");
        String projectB = unique("obj-b");
        String keyA = rawKey();
        String keyB = rawKey();
        List<String> ids = importKeys(pool, keyA + " project=" + projectA, keyB + " project=" + projectB);
        assertEquals(2, ids.size(), "imported " + ids);
        String owner = "0a1b2c3d4e5f6789";
        String file = "files/" + unique("cf").toLowerCase();
        String batch = "batches/" + unique("cb").toLowerCase();
        String video = "videos/" + unique("cv").toLowerCase();
        record(file, ids.get(0), owner, Duration.ofHours(48));
        record(batch, ids.get(0), owner, Duration.ofDays(30));
        record(video, ids.get(1), "ffeeddccbbaa9988", Duration.ofDays(2));

        String cookie = login();
        String html = page(cookie, "/console/objects");
        int a = html.indexOf("data-project=\"" + projectA + "\"");
        int b = html.indexOf("data-project=\"" + projectB + "\"");
        assertTrue(a > 0 && b > 0, html);
        String sectionA = html.substring(a, html.indexOf("</section>", a));
        String sectionB = html.substring(b, html.indexOf("</section>", b));
        assertTrue(sectionA.contains("data-object=\"" + file + "\"") && sectionA.contains("data-object=\"" + batch + "\""),
                sectionA);
        assertFalse(sectionA.contains(video), "another project's object in the section of " + projectA);
        String row = sectionA.substring(sectionA.indexOf("data-object=\"" + file + "\""));
        row = row.substring(0, row.indexOf("</tr>"));
        assertTrue(row.contains("<td>FILE</td>") && row.contains(owner) && row.contains("<td>" + ids.get(0) + "</td>"),
                row);
        assertTrue(row.matches("(?s).*<td>\\d{4}-\\d\\d-\\d\\dT[^<]+Z</td><td>\\d{4}-\\d\\d-\\d\\dT[^<]+Z</td>.*"),
                "created and expiry shown: " + row);
        assertTrue(sectionB.contains("data-object=\"" + video + "\"") && sectionB.contains("<td>VIDEO</td>")
                && sectionB.contains("ffeeddccbbaa9988"), sectionB);
        for (String secret : List.of(keyA, keyB, ConsoleServicesTestResource.INTERNAL_TOKEN,
                ConsoleServicesTestResource.ADMIN_TOKEN)) {
            assertFalse(html.contains(secret), "a secret on the page");
        }
        assertFalse(html.contains(keyA.substring(4, 20)));

        // Filters: one project, one kind.
        String onlyB = page(cookie, "/console/objects?project=" + projectB);
        assertTrue(onlyB.contains(video) && !onlyB.contains(file), "project filter");
        String batches = page(cookie, "/console/objects?project=" + projectA + "&kind=BATCH");
        assertTrue(batches.contains(batch) && !batches.contains("data-object=\"" + file + "\""), "kind filter");
        assertTrue(page(cookie, "/console/objects?project=" + unique("none")).contains("id=\"no-objects\""));
        assertTrue(page(cookie, "/console/objects?kind=NOPE").contains("unknown kind NOPE"));

        // Without a session: sent to the login page, no data.
        Response anonymous = RestAssured.given().redirects().follow(false).accept("text/html").get("/console/objects");
        assertEquals(303, anonymous.statusCode());
        assertTrue(anonymous.getHeader("Location").endsWith("/console/login"));
        assertFalse(anonymous.asString().contains(file));
        Response json = RestAssured.given().redirects().follow(false).accept("application/json").get("/console/objects");
        assertEquals(401, json.statusCode());
    }
}
