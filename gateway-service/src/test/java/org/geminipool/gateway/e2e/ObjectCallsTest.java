package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.simulator.ProjectTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Long-running operations and Interactions through the gateway (design §2): a Veo {@code predictLongRunning} counted
 * against the model, its operation polled and its video downloaded on the creating project; an interaction created,
 * read and chained on its project, the Interactions API's own error envelope for an unknown one; usage counts the
 * generation calls under their model (with Interactions' tokens) and metadata calls under their API.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class ObjectCallsTest extends GatewayTestBase {

    private static final String VEO = "veo-3.1-generate-preview";

    @BeforeEach
    void keys() {
        ensureDefaultPools();
        String pool = unique("objcalls");
        for (int i = 0; i < 3; i++) {
            String project = unique("p-objcalls");
            addKey(newKey(), project, KeyStatus.VALID, pool);
            // An interactions chain takes four calls in a minute on one project: more than the free tier's 10 rpm
            // leaves once other classes' calls (or a limit learned from their 429s) are counted there.
            projectQuota(project, "gemini-3.8-flash", 1000, 100_000);
        }
        // Veo has no free tier; here it has, so that any project of the pool may create the operation.
        sim().setTierQuota(ProjectTier.FREE, VEO, 1000, 10000, 100_000_000);
        sim().setOperationPolls(2);
        sim().clearRequestLog();
    }

    @AfterEach
    void veoBack() {
        sim().setTierQuota(ProjectTier.FREE, VEO, 0, 0, 0);
    }

    @Test
    void aVeoOperationIsPolledAndItsVideoDownloadedOnTheCreatingProject() {
        String name = client().contentType(ContentType.JSON)
                .body("{\"instances\":[{\"prompt\":\"a cat surfing\"}],\"parameters\":{\"durationSeconds\":4}}")
                .post("/v1beta/models/" + VEO + ":predictLongRunning").then().statusCode(200)
                .body("name", startsWith("models/" + VEO + "/operations/")).extract().path("name");
        JsonPath op = null;
        for (int i = 0; i < 5; i++) {
            op = client().get("/v1beta/" + name).then().statusCode(200).extract().jsonPath();
            if (Boolean.TRUE.equals(op.get("done"))) {
                break;
            }
        }
        assertEquals(Boolean.TRUE, op.get("done"), op.prettify());
        String uri = op.getString("response.generateVideoResponse.generatedSamples[0].video.uri");
        String path = uri.substring(uri.indexOf("/v1beta/"));
        byte[] video = client().urlEncodingEnabled(false).get(path).then().statusCode(200).extract().asByteArray();
        assertTrue(video.length > 0, "video bytes");

        Set<String> projects = new HashSet<>();
        for (GeminiSimulator.LoggedRequest r : sim().requestRecords()) {
            if (r.line().contains(VEO) || r.line().contains(":download")) {
                projects.add(r.project());
                assertTrue(r.status() < 400, r.toString());
            }
        }
        assertEquals(1, projects.size(), "create, polls and download on one project: " + sim().requestRecords());
    }

    /** Sums of usage-service's daily rows for one model: requests and prompt tokens. */
    private static long[] usageOf(String model) {
        long[] t = new long[2];
        for (Map<String, Object> row : usageDaily(pacificToday())) {
            if (model.equals(row.get("model"))) {
                t[0] += number(row, "requests");
                t[1] += number(row, "promptTokens");
            }
        }
        return t;
    }

    @Test
    void interactionsStayOnTheirProjectAndAnswerInTheirOwnEnvelope() throws Exception {
        awaitUsageShipped();
        long[] modelBefore = usageOf("gemini-3.8-flash");
        long[] metadataBefore = usageOf("interactions");
        JsonPath first = client().contentType(ContentType.JSON)
                .body("{\"model\":\"gemini-3.8-flash\",\"input\":\"Hello interactions\"}")
                .post("/v1beta/interactions").then().statusCode(200).body("status", equalTo("completed"))
                .extract().jsonPath();
        String id = first.getString("id");
        // The create may be steered to the project of this client's newest object (made by another class, its
        // free-tier rpm partly spent there); the chain must stay on that project, so give it room for three more.
        String chainProject = sim().requestRecords().stream().filter(r -> r.line().contains("/interactions"))
                .map(GeminiSimulator.LoggedRequest::project).findFirst().orElseThrow();
        projectQuota(chainProject, "gemini-3.8-flash", 1000, 100_000);
        for (int i = 0; i < 3; i++) {
            client().contentType(ContentType.JSON).body("{\"model\":\"gemini-3.8-flash\",\"input\":\"again " + i
                    + "\",\"previous_interaction_id\":\"" + id + "\"}").post("/v1beta/interactions").then()
                    .statusCode(200).body("previous_interaction_id", equalTo(id));
        }
        client().get("/v1beta/interactions/" + id).then().statusCode(200).body("id", equalTo(id));
        Set<String> projects = new HashSet<>();
        for (GeminiSimulator.LoggedRequest r : sim().requestRecords()) {
            if (r.line().contains("/interactions")) {
                projects.add(r.project());
            }
        }
        assertEquals(1, projects.size(), "the chain on one project: " + sim().requestRecords());

        // Unknown to the pool: the Interactions API's error shape (a string code), before any upstream call.
        long before = upstreamCalls();
        client().get("/v1beta/interactions/never-made-here").then().statusCode(404)
                .body("error.code", equalTo("not_found"));
        client().contentType(ContentType.JSON).body("{\"model\":\"gemini-3.8-flash\",\"input\":\"x\","
                + "\"previous_interaction_id\":\"never-made-here\"}").post("/v1beta/interactions").then()
                .statusCode(404).body("error.code", equalTo("not_found"));
        client().contentType(ContentType.JSON).body("{\"input\":\"no model\"}").post("/v1beta/interactions").then()
                .statusCode(400).body("error.code", equalTo("invalid_argument"));
        assertEquals(before, upstreamCalls());

        // Usage: the creates under the model with Interactions' tokens, the GET under "interactions".
        awaitUsageShipped();
        long[] model = usageOf("gemini-3.8-flash");
        long generated = model[0] - modelBefore[0];
        long prompt = model[1] - modelBefore[1];
        long metadata = usageOf("interactions")[0] - metadataBefore[0];
        assertEquals(4, generated, "interaction creates counted under their model: " + usageDaily(pacificToday()));
        assertTrue(prompt > 0, "with the interactions' input tokens");
        assertTrue(metadata >= 1, "the GET counted under interactions");
    }
}
