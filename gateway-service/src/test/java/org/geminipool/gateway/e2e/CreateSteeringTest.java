package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Steering of creates (gateway README "Affinity"): a client's upload or cache create that names no object goes to the
 * project of the client's newest object, so that a later request naming several of its objects does not span two
 * projects; when that project cannot serve, any project does, and the next create follows the new newest object.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class CreateSteeringTest extends GatewayTestBase {

    @BeforeEach
    void threeProjects() {
        ensureDefaultPools();
        String pool = unique("steer");
        for (int i = 0; i < 3; i++) {
            addKey(newKey(), unique("p-steer"), KeyStatus.VALID, pool);
        }
        sim().setCacheMinTokens(1);
    }

    private static String uploadFile(String token) {
        return given().header("Authorization", "Bearer " + token).multiPart("purpose", "batch")
                .multiPart("file", "x.jsonl", "{}\n".getBytes(StandardCharsets.UTF_8), "application/jsonl")
                .post("/v1beta/openai/files").then().statusCode(200).extract().path("id");
    }

    @Test
    void newObjectsOfAClientGoToTheProjectOfItsNewestObject() {
        String token = PoolServicesTestResource.SECOND_CLIENT_TOKEN;
        String first = uploadFile(token);
        String project = sim().fileOwner(first);
        for (int i = 0; i < 6; i++) {
            assertEquals(project, sim().fileOwner(uploadFile(token)), "upload " + i + " steered to " + project);
        }
        sim().clearRequestLog();
        given().header("x-goog-api-key", token).contentType(ContentType.JSON)
                .body("{\"model\":\"models/gemini-3.8-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":"
                        + "\"a long shared context\"}]}],\"ttl\":\"600s\"}")
                .post("/v1beta/cachedContents").then().statusCode(200).body("name", startsWith("cachedContents/"));
        List<GeminiSimulator.LoggedRequest> created = sim().requestRecords().stream()
                .filter(r -> r.line().startsWith("POST /v1beta/cachedContents") && r.status() == 200).toList();
        assertEquals(1, created.size(), sim().requestLog().toString());
        assertEquals(project, created.get(0).project(), "the cache steered to the files' project");

        // The preferred project cannot serve: the upload goes elsewhere, and the next ones follow it.
        String moved = withProjectDisabled(project, () -> uploadFile(token));
        String other = sim().fileOwner(moved);
        assertNotEquals(project, other, "served by another project while " + project + " has no key");
        assertEquals(other, sim().fileOwner(uploadFile(token)), "the next upload follows the newest object");
    }
}
