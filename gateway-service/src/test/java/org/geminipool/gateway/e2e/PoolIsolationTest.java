package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19 on the shipped routes: keys imported into the shipped pools; a direct request naming a concrete model is
 * never served by a key of a reserved pool (pro, embedding), which the simulator's per-key counters show; gemini-cli's
 * thinking settings on a concrete model stay on that model; embeddings still use their pool.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class PoolIsolationTest extends GatewayTestBase {

    private static final String CLI_BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}],"
            + "\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":8192}}}";

    @Test
    void directRequestsNeverSpendReservedPools() throws InterruptedException {
        ensureDefaultPools();
        Warmup.untilServed();
        // gemini-2.5-flash is closed to new projects: legacy projects still serve it (as the users had).
        String flashProject = unique("p-iso-flash");
        String proProject = unique("p-iso-pro");
        String embProject = unique("p-iso-emb");
        for (String p : new String[]{flashProject, proProject, embProject}) {
            sim().setProjectLegacy(p, true);
        }
        String flashKey = newKey();
        String proKey = newKey();
        String embKey = newKey();
        addKey(flashKey, flashProject, KeyStatus.VALID, "flash");
        projectQuota(flashProject, "gemini-2.5-flash", 200, 5000); // beyond the free tier's 10 RPM
        addKey(proKey, proProject, KeyStatus.VALID, "pro");
        addKey(embKey, embProject, KeyStatus.VALID, "embedding");
        Warmup.untilServed("gemini-2.5-flash");
        // Generate calls on gemini-2.5-flash's quota from the reserved pools' projects (quota-free models-list calls,
        // e.g. the family resolver's, may use any key and are not direct traffic).
        long proBefore = sim().accepted(proProject, "gemini-2.5-flash") + sim().refused(proProject, "gemini-2.5-flash");
        long embBefore = sim().accepted(embProject, "gemini-2.5-flash") + sim().refused(embProject, "gemini-2.5-flash");

        try {
            for (int i = 0; i < 4; i++) {
                client().contentType(ContentType.JSON).body(chatBody("gemini-2.5-flash", "hello " + i, false))
                        .post("/v1/chat/completions").then().statusCode(200)
                        .header("x-gemini-pool-route", equalTo("direct/gemini-2.5-flash"));
                // gemini-cli's shape: includeThoughts + budget 8192 on a concrete model stays direct, not think → pro
                client().contentType(ContentType.JSON).body(CLI_BODY)
                        .post("/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(200)
                        .header("x-gemini-pool-route", equalTo("direct/gemini-2.5-flash"));
            }
            assertEquals(proBefore, sim().accepted(proProject, "gemini-2.5-flash")
                    + sim().refused(proProject, "gemini-2.5-flash"), "the pro pool's key served a direct call");
            assertEquals(embBefore, sim().accepted(embProject, "gemini-2.5-flash")
                    + sim().refused(embProject, "gemini-2.5-flash"), "the embedding pool's key served a direct call");
        } finally {
            // other tests' gemini-2.5-flash calls must not land on these keys (ClientRecipesTest reads its own key's body)
            for (String p : new String[]{flashProject, proProject, embProject}) {
                sim().setProjectLegacy(p, false);
            }
        }

        // embeddings still use their pool
        client().contentType(ContentType.JSON).body("{\"content\":{\"parts\":[{\"text\":\"vector me\"}]}}")
                .post("/v1beta/models/gemini-embedding-001:embedContent").then().statusCode(200)
                .header("x-gemini-pool-route", startsWith("embedding/embedding:"));
        client().contentType(ContentType.JSON).body("{\"model\":\"text-embedding-3-small\",\"input\":\"vector me\"}")
                .post("/v1/embeddings").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("embedding/embedding:gemini-embedding-001"));
    }

    @Test
    void aReservedPoolServesDirectRequestsWhenItSaysSo() throws InterruptedException {
        ensureDefaultPools();
        Warmup.untilServed();
        String pool = unique("iso-open");
        String kept = unique("iso-kept");
        String model = unique("gemini-iso");
        sim().setDefaultQuota(model, 100, 1000);
        String openKey = newKey();
        String keptKey = newKey();
        addKey(openKey, unique("p-iso-open"), KeyStatus.VALID, pool);
        addKey(keptKey, unique("p-iso-kept"), KeyStatus.VALID, kept);
        useRoutes("pools:\n  " + pool + ": { direct: true }\n  " + kept + ": {}\nroutes:\n  - name: r\n"
                + "    match: { models: [iso_alias] }\n    targets: [ { pool: " + kept + ", model: " + model + " } ]\n");
        long keptBefore = sim().accepted(keptKey);
        for (int i = 0; i < 4; i++) {
            client().contentType(ContentType.JSON).body(geminiBody("direct " + i))
                    .post("/v1beta/models/" + model + ":generateContent").then().statusCode(200);
        }
        assertEquals(keptBefore, sim().accepted(keptKey), "a pool declared without direct: true served a direct call");
        client().contentType(ContentType.JSON).body(chatBody("iso_alias", "via the route", false))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("r/" + kept + ":" + model));
        assertEquals(keptBefore + 1, sim().accepted(keptKey), "the route still uses its reserved pool");
    }

    @Test
    void theRoutesPageShowsWhichPoolsDirectRequestsMayUse() {
        io.restassured.response.Response login = io.restassured.RestAssured.given().redirects().follow(false)
                .contentType("application/x-www-form-urlencoded")
                .formParam("token", PoolServicesTestResource.ADMIN_TOKEN).post("/console/login");
        assertEquals(303, login.statusCode(), login.asString());
        String page = io.restassured.RestAssured.given().cookie("gp_console", login.getCookie("gp_console"))
                .accept("text/html").get("/console/routes").then().statusCode(200).extract().asString();
        for (String[] row : new String[][]{{"flash-lite", "true"}, {"flash", "true"}, {"pro", "false"},
                {"embedding", "false"}, {"image", "false"}}) {
            assertTrue(java.util.regex.Pattern.compile("<tr data-pool=\"" + row[0] + "\"><th scope=\"row\">[^<]+</th>"
                    + "<td data-direct=\"" + row[1] + "\">").matcher(page).find(), row[0] + " direct=" + row[1] + ": " + page);
        }
        useRoutes("routes:\n  - name: only\n    match: { models: [x_alias] }\n    targets: [ { pool: p, model: m } ]\n");
        page = io.restassured.RestAssured.given().cookie("gp_console", login.getCookie("gp_console"))
                .accept("text/html").get("/console/routes").then().statusCode(200).extract().asString();
        assertTrue(page.contains("direct requests may use every pool"), page);
    }
}
