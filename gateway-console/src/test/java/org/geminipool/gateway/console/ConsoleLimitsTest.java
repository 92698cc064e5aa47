package org.geminipool.gateway.console;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.geminipool.gateway.console.ConsoleTestSupport.login;
import static org.geminipool.gateway.console.ConsoleTestSupport.page;
import static org.geminipool.gateway.console.ConsoleTestSupport.rawKey;
import static org.geminipool.gateway.console.ConsoleTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Limits page shows each (project, quota model) limit with its source and learning time, and retired models. */
@QuarkusTest
@WithTestResource(ConsoleServicesTestResource.class)
class ConsoleLimitsTest {

    private static String keypool() {
        return ConsoleServicesTestResource.keypool().baseUrl();
    }

    @Test
    void learnedLimitsAndRetiredModelsAreShownWithTheirSource() {
        String project = unique("limits");
        String pool = unique("lp");
        String model = unique("gemini-3.9-console-model").toLowerCase();
        String key = rawKey();
        RestAssured.given().baseUri(keypool()).header("Authorization", "Bearer " + ConsoleServicesTestResource.ADMIN_TOKEN)
                .contentType("text/plain").body(key + " pool=" + pool + " project=" + project)
                .post("/admin/keys/import").then().statusCode(200);
        var internal = RestAssured.given().baseUri(keypool())
                .header("Authorization", "Bearer " + ConsoleServicesTestResource.INTERNAL_TOKEN).contentType("application/json");
        String lease = internal.body(Map.of("pool", pool, "model", model, "requestId", "r1")).post("/leases")
                .then().statusCode(200).extract().path("leaseId");
        RestAssured.given().baseUri(keypool()).header("Authorization", "Bearer " + ConsoleServicesTestResource.INTERNAL_TOKEN)
                .contentType("application/json")
                .body(Map.of("outcome", "RATE_LIMITED", "retryAfterSeconds", 1, "violations", List.of(Map.of("window",
                        "RPM", "limit", 7, "quotaModel", model, "freeTier", true,
                        "quotaId", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"))))
                .post("/leases/" + lease + "/outcome").then().statusCode(204);
        String retiredModel = unique("gemini-1.0-old").toLowerCase();
        String lease2 = RestAssured.given().baseUri(keypool())
                .header("Authorization", "Bearer " + ConsoleServicesTestResource.INTERNAL_TOKEN).contentType("application/json")
                .body(Map.of("pool", pool, "model", retiredModel, "requestId", "r2")).post("/leases")
                .then().statusCode(200).extract().path("leaseId");
        RestAssured.given().baseUri(keypool()).header("Authorization", "Bearer " + ConsoleServicesTestResource.INTERNAL_TOKEN)
                .contentType("application/json")
                .body(Map.of("outcome", "MODEL_RETIRED", "reason", "This model models/" + retiredModel
                        + " is no longer available. Please update your code."))
                .post("/leases/" + lease2 + "/outcome").then().statusCode(204);

        String html = page(login(), "/console/limits");
        int row = html.indexOf("data-project=\"" + project + "\" data-model=\"" + model + "\"");
        assertTrue(row > 0, html);
        String rowHtml = html.substring(row, html.indexOf("</tr>", row));
        assertTrue(rowHtml.contains("7 <small data-source>LEARNED"), rowHtml);
        assertTrue(html.contains("data-retired=\"" + retiredModel + "\""), "retired model listed");
        assertTrue(html.contains("every project"), "a shut-down model is retired for every project");
        assertFalse(html.contains(key), "no raw key on the page");
        assertFalse(html.contains(key.substring(4, 20)));
    }
}
