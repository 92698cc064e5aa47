package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.simulator.ProjectTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Affinity on Google's OpenAI-compatible object routes (gateway README "Affinity", OpenAI-compatible side), against
 * the simulator's project-scoped stores, with keys in three projects: a file uploaded to {@code /v1beta/openai/files}
 * is recorded for its project; batches naming it as {@code input_file_id}, their polls and the output file's content
 * are all served by that project (ids in the path percent-encoded, as the Node SDK sends them); a video is pinned the
 * same way; another token sees none of it; an unknown id and objects of two projects are 4xx in OpenAI's error shape
 * before anything goes upstream; lists show only the caller's objects; a delete forgets. The same flow with the
 * openai npm SDK (src/test/node/openai-objects-check.mjs; skipped like the other Node checks without node_modules).
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class OpenAiObjectsTest extends GatewayTestBase {

    private static final String VEO = "veo-3.1-generate-preview";

    @TestHTTPResource("/")
    URL gateway;

    private final List<String> keyIds = new ArrayList<>();

    @BeforeEach
    void threeProjects() {
        ensureDefaultPools();
        String pool = unique("oai-obj");
        for (int i = 0; i < 3; i++) {
            keyIds.add(addKey(newKey(), unique("p-oai"), KeyStatus.VALID, pool));
        }
        sim().setBatchPolls(2);
        sim().setOperationPolls(2);
        // Veo has no free tier; here it has, so that any project may create a video (as in ObjectCallsTest).
        sim().setTierQuota(ProjectTier.FREE, VEO, 1000, 10000, 100_000_000);
    }

    @AfterEach
    void veoBack() {
        sim().setTierQuota(ProjectTier.FREE, VEO, 0, 0, 0);
    }

    private static String jsonl(String tag) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            sb.append("{\"custom_id\":\"").append(tag).append('-').append(i).append("\",\"method\":\"POST\",")
                    .append("\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gemini-3.8-flash\",\"messages\":")
                    .append("[{\"role\":\"user\",\"content\":\"question ").append(i).append("\"}]}}\n");
        }
        return sb.toString();
    }

    private static String uploadFile(String token, String tag) {
        return given().header("Authorization", "Bearer " + token)
                .multiPart("purpose", "batch")
                .multiPart("file", tag + ".jsonl", jsonl(tag).getBytes(StandardCharsets.UTF_8), "application/jsonl")
                .post("/v1beta/openai/files").then().statusCode(200).body("object", equalTo("file"))
                .extract().path("id");
    }

    /** An id in a path as the openai Node SDK sends it ({@code files/abc} → {@code files%2Fabc}). */
    private static String enc(String id) {
        return id.replace("/", "%2F");
    }

    private static Response get(String token, String rawPath) {
        return given().header("Authorization", "Bearer " + token).urlEncodingEnabled(false).get(rawPath);
    }

    private static List<GeminiSimulator.LoggedRequest> naming(String id) {
        String bare = id.contains("/") ? id.substring(id.indexOf('/') + 1) : id;
        return sim().requestRecords().stream().filter(r -> r.line().contains(bare)).toList();
    }

    @Test
    void aBatchOfAnUploadedFileAndItsOutputStayOnTheFilesProject() {
        String token = PoolServicesTestResource.CLIENT_TOKEN;
        String other = PoolServicesTestResource.SECOND_CLIENT_TOKEN;
        // One file in each of two projects: the second uploaded while the first's project is out of the way (an
        // upload naming no object is steered to the project of the client's newest object).
        Map<String, String> fileByProject = new LinkedHashMap<>();
        String firstFile = uploadFile(token, "t0");
        assertTrue(firstFile.startsWith("files/"), firstFile);
        fileByProject.put(sim().fileOwner(firstFile), firstFile);
        String secondFile = withProjectDisabled(sim().fileOwner(firstFile), () -> uploadFile(token, "t1"));
        fileByProject.putIfAbsent(sim().fileOwner(secondFile), secondFile);
        assertEquals(2, fileByProject.size(), "uploads in two projects: " + fileByProject);
        String fileProject = fileByProject.keySet().iterator().next();
        String file = fileByProject.get(fileProject);
        sim().clearRequestLog();

        // Three batches naming the file: each created, polled and read on the file's project.
        List<String> outputs = new ArrayList<>();
        List<String> batches = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            String batch = given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                    .body("{\"input_file_id\":\"" + file + "\",\"endpoint\":\"/v1/chat/completions\","
                            + "\"completion_window\":\"24h\"}")
                    .post("/v1beta/openai/batches").then().statusCode(200).body("object", equalTo("batch"))
                    .extract().path("id");
            batches.add(batch);
            JsonPath polled = null;
            for (int i = 0; i < 10; i++) {
                polled = get(token, "/v1beta/openai/batches/" + enc(batch)).then().statusCode(200).extract().jsonPath();
                if ("completed".equals(polled.getString("status"))) {
                    break;
                }
            }
            assertEquals("completed", polled.getString("status"), polled.prettify());
            String output = polled.getString("output_file_id");
            outputs.add(output);
            String content = get(token, "/v1beta/openai/files/" + enc(output) + "/content").then().statusCode(200)
                    .extract().asString();
            assertTrue(content.contains("\"custom_id\":\"") && content.contains("-2\""), content);
            // the plain form (Python SDK) reaches the same object
            get(token, "/v1beta/openai/batches/" + batch).then().statusCode(200).body("id", equalTo(batch));
            assertEquals(sim().fileOwner(output), fileProject, "the output file is the batch's project's");
            for (GeminiSimulator.LoggedRequest r : naming(batch)) {
                assertEquals(fileProject, r.project(), "batch call served by another project: " + r);
            }
        }
        for (GeminiSimulator.LoggedRequest r : sim().requestRecords()) {
            assertTrue(r.status() != 403 && r.status() != 404, "an upstream call was refused: " + r);
        }

        // Another client token: the objects do not exist for it (OpenAI's error shape), and its lists are empty.
        Response refused = get(other, "/v1beta/openai/files/" + enc(file));
        assertEquals(404, refused.statusCode(), refused.asString());
        refused.then().body("error.message", containsString("not known to this pool")).body("error.type", notNullValue())
                .body("error.code", notNullValue()).body("error.param", nullValue());
        get(other, "/v1beta/openai/files/" + enc(outputs.get(0)) + "/content").then().statusCode(404);
        List<String> theirs = get(other, "/v1beta/openai/files").then().statusCode(200).extract().jsonPath()
                .getList("data.id");
        assertFalse(theirs.contains(file), "another token lists " + theirs);
        List<String> own = get(token, "/v1beta/openai/files?limit=1000").then().statusCode(200)
                .body("object", equalTo("list")).extract().jsonPath().getList("data.id");
        assertTrue(own.containsAll(fileByProject.values()) && own.containsAll(outputs), "own list: " + own);
        List<String> ownBatches = get(token, "/v1beta/openai/batches").then().statusCode(200).extract().jsonPath()
                .getList("data.id");
        assertTrue(ownBatches.containsAll(batches), "own batches: " + ownBatches);
        // Paged by the gateway: limit + after, to the end, each batch once.
        List<String> paged = new ArrayList<>();
        String after = null;
        for (int i = 0; i < 50; i++) {
            JsonPath page = get(token, "/v1beta/openai/batches?limit=2" + (after == null ? "" : "&after=" + enc(after)))
                    .then().statusCode(200).extract().jsonPath();
            paged.addAll(page.getList("data.id"));
            assertTrue(page.getList("data").size() <= 2);
            if (!page.getBoolean("has_more")) {
                break;
            }
            after = page.getString("last_id");
        }
        assertEquals(ownBatches, paged, "pages of two");
        // Unknown ids, and files of two projects in one request: 4xx before any upstream call.
        long before = upstreamCalls();
        get(token, "/v1beta/openai/files/files%2Fnever-uploaded").then().statusCode(404)
                .body("error.message", containsString("files/never-uploaded"));
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .body("{\"input_file_id\":\"files/never-uploaded\",\"endpoint\":\"/v1/chat/completions\","
                        + "\"completion_window\":\"24h\"}")
                .post("/v1beta/openai/batches").then().statusCode(404).body("error.type", notNullValue());
        get(token, "/v1beta/openai/videos/never-created").then().statusCode(404);
        List<String> two = new ArrayList<>(fileByProject.values());
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .body("{\"model\":\"gemini-3.8-flash\",\"messages\":[{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"text\",\"text\":\"compare\"},"
                        + "{\"type\":\"file\",\"file\":{\"file_id\":\"" + two.get(0) + "\"}},"
                        + "{\"type\":\"file\",\"file\":{\"file_id\":\"" + two.get(1) + "\"}}]}]}")
                .post("/v1beta/openai/chat/completions").then().statusCode(400)
                .body("error.message", containsString("two different Google projects"));
        assertEquals(before, upstreamCalls(), "nothing went upstream for unknown objects or two projects");

        // Deleted: gone for the pool too.
        given().header("Authorization", "Bearer " + token).urlEncodingEnabled(false)
                .delete("/v1beta/openai/files/" + enc(two.get(1))).then().statusCode(200);
        get(token, "/v1beta/openai/files/" + enc(two.get(1))).then().statusCode(404)
                .body("error.message", containsString("not known to this pool"));

        for (String id : keyIds) {
            assertEquals("ACTIVE", keyInfo(id).getString("state"), "key " + id);
        }
    }

    @Test
    void aVideoIsPolledAndDownloadedFromItsProject() {
        String token = PoolServicesTestResource.CLIENT_TOKEN;
        sim().clearRequestLog();
        String id = given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .body("{\"model\":\"veo-3.1-generate-preview\",\"prompt\":\"a lighthouse at dusk\"}")
                .post("/v1beta/openai/videos").then().statusCode(200).body("object", equalTo("video"))
                .extract().path("id");
        String status = null;
        for (int i = 0; i < 10 && !"completed".equals(status); i++) {
            status = get(token, "/v1beta/openai/videos/" + id).then().statusCode(200).extract().path("status");
        }
        assertEquals("completed", status);
        String video = get(token, "/v1beta/openai/videos/" + id + "/content").then().statusCode(200)
                .extract().asString();
        assertTrue(video.contains("a lighthouse at dusk"), video);
        List<GeminiSimulator.LoggedRequest> calls = naming(id);
        String project = sim().requestRecords().stream().filter(r -> r.line().startsWith("POST /v1beta/openai/videos")
                        && r.status() == 200).findFirst().orElseThrow().project();
        assertTrue(calls.size() >= 2, sim().requestLog().toString());
        for (GeminiSimulator.LoggedRequest r : calls) {
            assertEquals(project, r.project(), "video call served by another project: " + r);
            assertEquals(200, r.status(), r.toString());
        }
        get(PoolServicesTestResource.SECOND_CLIENT_TOKEN, "/v1beta/openai/videos/" + id).then().statusCode(404);
        List<String> own = get(token, "/v1beta/openai/videos").then().statusCode(200).extract().jsonPath()
                .getList("data.id");
        assertTrue(own.isEmpty() || own.contains(id), "own videos: " + own);
    }

    @Test
    void theOpenAiSdkRunsABatchOfAnUploadedFileOnItsProject() throws Exception {
        Path dir = NodeCheck.installed("node");
        sim().clearRequestLog();
        String out = NodeCheck.run(dir, 200, "openai-objects-check.mjs", gateway.toString().replaceAll("/$", ""),
                PoolServicesTestResource.CLIENT_TOKEN, PoolServicesTestResource.SECOND_CLIENT_TOKEN);
        List<GeminiSimulator.LoggedRequest> records = sim().requestRecords();
        for (GeminiSimulator.LoggedRequest r : records) {
            assertTrue(r.status() != 403, "an upstream call answered 403: " + r);
        }
        List<String> objects = out.lines().filter(l -> l.startsWith("OBJECT ")).map(l -> l.substring(7).trim()).toList();
        assertEquals(4, objects.size(), out);
        // The input file, its batch and the batch's output: one project; the video: its own creator's project.
        List<GeminiSimulator.LoggedRequest> fileCalls = naming(objects.get(0));
        assertFalse(fileCalls.isEmpty(), "no upstream call named " + objects.get(0));
        String fileProject = fileCalls.get(0).project(); // (the input file is deleted at the end of the script)
        for (String id : objects.subList(0, 3)) {
            List<GeminiSimulator.LoggedRequest> calls = naming(id);
            assertFalse(id.startsWith("batches/") && calls.isEmpty(), "no upstream call named " + id);
            for (GeminiSimulator.LoggedRequest r : calls) {
                assertEquals(fileProject, r.project(), id + " served by another project: " + r);
            }
        }
        List<GeminiSimulator.LoggedRequest> video = naming(objects.get(3));
        assertFalse(video.isEmpty(), "no upstream call named the video");
        for (GeminiSimulator.LoggedRequest r : video) {
            assertEquals(video.get(0).project(), r.project(), "video served by two projects: " + video);
        }
        for (String id : keyIds) {
            assertEquals("ACTIVE", keyInfo(id).getString("state"), "key " + id);
        }
    }
}
