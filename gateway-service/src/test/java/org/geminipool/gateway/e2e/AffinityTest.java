package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.geminipool.simulator.GeminiSimulator;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Affinity and pass-through through the gateway (design §2, gateway README "Pass-through" and "Affinity"), against the
 * simulator's project-scoped storage: a resumable upload started with a client token and finished with key-less chunks
 * (as the Python SDK sends them) is served by the uploading project on every later call; another client token sees
 * nothing of it; an object the pool never saw, or objects of two projects, are a 4xx before any lease; a project whose
 * keys are gone gives a 403 naming the reason; any other path reaches the upstream with a pooled key and without the
 * client's token.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class AffinityTest extends GatewayTestBase {

    @TestHTTPResource("/")
    URL gateway;

    private final Map<String, String> keyIdByProject = new LinkedHashMap<>();
    private final Map<String, String> keyByProject = new LinkedHashMap<>();

    @BeforeEach
    void threeProjects() {
        ensureDefaultPools();
        String pool = unique("aff");
        for (int i = 0; i < 3; i++) {
            String project = unique("p-aff");
            String key = newKey();
            keyByProject.put(project, key);
            keyIdByProject.put(project, addKey(key, project, KeyStatus.VALID, pool));
        }
        sim().clearRequestLog();
    }

    @Test
    void anUnknownNewPathReachesTheUpstreamWithAPooledKeyAndNeverTheClientToken() {
        Response r = given().header("x-goog-api-key", PoolServicesTestResource.CLIENT_TOKEN)
                .header("Cookie", "session=" + PoolServicesTestResource.CLIENT_TOKEN)
                .queryParam("key", PoolServicesTestResource.CLIENT_TOKEN).queryParam("pageSize", 5)
                .get("/v1beta/someNewResource");
        assertTrue(r.statusCode() < 500, "answered " + r.statusCode() + ": " + r.asString());
        List<GeminiSimulator.LoggedRequest> sent = sim().requestRecords().stream()
                .filter(l -> l.line().startsWith("GET /v1beta/someNewResource")).toList();
        assertEquals(1, sent.size(), "one upstream call: " + sim().requestLog());
        assertNotNull(sent.get(0).keyMask(), "sent with a pooled key");
        assertFalse(sent.get(0).line().contains(PoolServicesTestResource.CLIENT_TOKEN), sent.get(0).line());
        assertTrue(sent.get(0).line().contains("pageSize=5"), sent.get(0).line());
        assertEquals(List.of(), sim().requestLog(PoolServicesTestResource.CLIENT_TOKEN), "the client token went upstream");

        // Hostile targets are refused before anything is sent.
        sim().clearRequestLog();
        for (String target : List.of("/v1beta/foo/%2e%2e/bar", "/v1beta/foo%2Fbar", "/upload/v1beta/../v1beta/files",
                "/v1alpha/a;b", "/download/v1beta/files/x%252e")) {
            Response bad = client().urlEncodingEnabled(false).get(target);
            assertTrue(bad.statusCode() >= 400 && bad.statusCode() < 500, target + " answered " + bad.statusCode());
        }
        assertEquals(List.of(), sim().requestLog(), "a hostile path reached the upstream");
        // Without a token nothing is forwarded.
        given().get("/v1beta/someNewResource").then().statusCode(401);
        given().get("/download/v1beta/files/abc:download").then().statusCode(401);
        given().post("/upload/v1beta/files").then().statusCode(401);
    }

    @Test
    void aResumableUploadIsPinnedToItsProjectForEveryLaterCall() {
        byte[] bytes = new byte[300_000];
        new java.util.Random(7).nextBytes(bytes);
        String name = upload(PoolServicesTestResource.CLIENT_TOKEN, bytes, "notes.pdf", "application/pdf");
        String project = sim().fileOwner(name);
        assertTrue(keyByProject.containsKey(project) || project != null, "uploaded by " + project);

        String uri = client().get("/v1beta/" + name).then().statusCode(200).body("name", equalTo(name))
                .extract().path("uri");
        sim().clearRequestLog();
        for (int i = 0; i < 4; i++) {
            client().contentType(ContentType.JSON).body(fileBody(uri, "gemini-3.8-flash"))
                    .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200);
        }
        List<GeminiSimulator.LoggedRequest> calls = sim().requestRecords().stream()
                .filter(l -> l.line().contains(":generateContent")).toList();
        assertEquals(4, calls.size(), sim().requestLog().toString());
        for (GeminiSimulator.LoggedRequest c : calls) {
            assertEquals(project, c.project(), "served by the uploading project: " + c);
            assertEquals(200, c.status());
        }

        // Another client token: the file does not exist for it, and its list is empty.
        given().header("x-goog-api-key", PoolServicesTestResource.SECOND_CLIENT_TOKEN).get("/v1beta/" + name).then()
                .statusCode(404).body("error.message", containsString("not known to this pool"));
        given().header("x-goog-api-key", PoolServicesTestResource.SECOND_CLIENT_TOKEN).contentType(ContentType.JSON)
                .body(fileBody(uri, "gemini-3.8-flash")).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(404);
        List<String> listed = client().queryParam("pageSize", 100).get("/v1beta/files").then().statusCode(200)
                .extract().jsonPath().getList("files.name");
        assertTrue(listed.contains(name), "own list: " + listed);

        // Deleted: forgotten by the pool too.
        client().delete("/v1beta/" + name).then().statusCode(200);
        client().get("/v1beta/" + name).then().statusCode(404);
    }

    @Test
    void unknownObjectsTwoProjectsAndADeadProjectAreClear4xx() {
        long before = upstreamCalls();
        client().contentType(ContentType.JSON).body(fileBody("files/never-uploaded-here", "gemini-3.8-flash"))
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(404)
                .body("error.message", containsString("files/never-uploaded-here"));
        client().contentType(ContentType.JSON)
                .body("{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}],\"cachedContent\":\"cachedContents/nope\"}")
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(404);
        client().get("/v1beta/cachedContents/nope").then().statusCode(404);
        assertEquals(before, upstreamCalls(), "nothing went upstream for unknown objects");

        // One file in each of two projects: the second uploaded while the first's project is out of the way (a
        // create naming no object is steered to the project of the client's newest object).
        Map<String, String> fileByProject = new LinkedHashMap<>();
        String firstFile = upload(PoolServicesTestResource.CLIENT_TOKEN, "hello".getBytes(), "a.txt", "text/plain");
        fileByProject.put(sim().fileOwner(firstFile), firstFile);
        String secondFile = withProjectDisabled(sim().fileOwner(firstFile),
                () -> upload(PoolServicesTestResource.CLIENT_TOKEN, "hello".getBytes(), "a.txt", "text/plain"));
        fileByProject.putIfAbsent(sim().fileOwner(secondFile), secondFile);
        assertEquals(2, fileByProject.size(), "uploads in two projects: " + fileByProject);
        List<String> names = new ArrayList<>(fileByProject.values());
        String body = "{\"contents\":[{\"parts\":[{\"fileData\":{\"fileUri\":\"" + names.get(0) + "\"}},"
                + "{\"fileData\":{\"fileUri\":\"" + names.get(1) + "\"}},{\"text\":\"compare\"}]}]}";
        client().contentType(ContentType.JSON).body(body).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(400).body("error.message", containsString("two different Google projects"));

        // The file's project loses its keys: a 403 that names why, and no other project is tried. (Uploads lease any
        // key of the pool, so the project may be another test's: its keys are enabled again afterwards.)
        String project = new ArrayList<>(fileByProject.keySet()).get(0);
        List<String> keyIds = given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN).queryParam("project", project)
                .get("/admin/keys").then().statusCode(200).extract().jsonPath().getList("id", String.class);
        assertFalse(keyIds.isEmpty(), "keys of " + project);
        try {
            keyIds.forEach(id -> keyState(id, "DISABLED"));
            long calls = upstreamCalls();
            client().contentType(ContentType.JSON).body(fileBody(fileByProject.get(project), "gemini-3.8-flash"))
                    .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(403)
                    .body("error.message", containsString("NO_KEYS"));
            client().get("/v1beta/" + fileByProject.get(project)).then().statusCode(403).body("error.message",
                    containsString("has no usable key"));
            assertEquals(calls, upstreamCalls(), "no other project's key was tried");
        } finally {
            keyIds.forEach(id -> keyState(id, "ACTIVE"));
        }
    }

    private static void keyState(String keyId, String state) {
        given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"state\":\"" + state + "\"}").patch("/admin/keys/" + keyId).then().statusCode(200);
    }

    private static String fileBody(String uri, String model) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"fileData\":{\"mimeType\":\"application/pdf\","
                + "\"fileUri\":\"" + uri + "\"}},{\"text\":\"summarise\"}]}]}";
    }

    /** The resumable protocol as the SDKs speak it; the chunks carry no key at all (the Python SDK's way). */
    private String upload(String token, byte[] bytes, String fileName, String mime) {
        Response start = given().header("x-goog-api-key", token).contentType(ContentType.JSON)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", bytes.length)
                .header("X-Goog-Upload-Header-Content-Type", mime)
                .body("{\"file\":{\"displayName\":\"" + fileName + "\"}}").post("/upload/v1beta/files");
        start.then().statusCode(200);
        String url = start.header("X-Goog-Upload-URL");
        assertNotNull(url, "upload URL");
        String base = gateway.toString().replaceAll("/$", "");
        assertTrue(url.startsWith(base.replace("localhost", "").isEmpty() ? base : "http"), url);
        assertTrue(url.contains("/upload/v1beta/files?upload_id="), url);
        assertFalse(url.contains("key="), "no key in the upload URL: " + url);
        String path = url.substring(url.indexOf("/upload/"));
        int half = bytes.length / 2;
        Response first = given().urlEncodingEnabled(false).header("X-Goog-Upload-Command", "upload")
                .header("X-Goog-Upload-Offset", 0).contentType("application/octet-stream")
                .body(java.util.Arrays.copyOfRange(bytes, 0, half)).post(path);
        first.then().statusCode(200).header("X-Goog-Upload-Status", "active");
        Response last = given().urlEncodingEnabled(false).header("X-Goog-Upload-Command", "upload, finalize")
                .header("X-Goog-Upload-Offset", half).contentType("application/octet-stream")
                .body(java.util.Arrays.copyOfRange(bytes, half, bytes.length)).post(path);
        last.then().statusCode(200).header("X-Goog-Upload-Status", "final");
        String name = last.jsonPath().getString("file.name");
        assertNotNull(name, last.asString());
        return name;
    }
}
