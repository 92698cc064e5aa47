package org.geminipool.simulator;

import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Files API (gemini-api-2026.md §4): resumable and multipart upload, get/list/delete, states, expiry, 403s. */
class FilesApiTest extends SimTestBase {

    static final String GENERATE = "/v1beta/models/gemini-3.8-flash:generateContent";

    static String denied(String id) {
        return "{\"error\":{\"code\":403,\"message\":\"You do not have permission to access the File " + id
                + " or it may not exist.\",\"status\":\"PERMISSION_DENIED\"}}";
    }

    /** Starts a resumable upload and returns the upload URL's path and query (the host is checked separately). */
    static String start(String key, String mime, long size, String meta) {
        Response r = json(meta).header("x-goog-api-key", key).header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").header("X-Goog-Upload-Header-Content-Length", size)
                .header("X-Goog-Upload-Header-Content-Type", mime).post("/upload/v1beta/files");
        assertEquals(200, r.statusCode(), r.asString());
        String url = r.header("X-Goog-Upload-URL");
        assertTrue(url.startsWith(sim.baseUrl() + "/upload/v1beta/files?upload_id="), url);
        assertTrue(url.endsWith("&upload_protocol=resumable"), url);
        return url.substring(sim.baseUrl().length());
    }

    /** Uploads {@code bytes} in one finalizing chunk with no key (as the Python SDK does); returns the file. */
    static JsonObject upload(String key, String mime, byte[] bytes) {
        String path = start(key, mime, bytes.length, "{\"file\":{\"displayName\":\"doc\"}}");
        Response r = api().header("X-Goog-Upload-Command", "upload, finalize").header("X-Goog-Upload-Offset", 0)
                .body(bytes).post(path);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals("final", r.header("X-Goog-Upload-Status"));
        return new JsonObject(r.asString()).getJsonObject("file");
    }

    static String withFile(String uri) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"describe\"},{\"fileData\":{\"mimeType\":"
                + "\"application/pdf\",\"fileUri\":\"" + uri + "\"}}]}]}";
    }

    @Test
    void resumableUploadInChunksWithoutAKeyThenGetListDeleteScopedToTheProject() throws Exception {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        byte[] bytes = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
        String path = start(owner, "application/pdf", 20, "{\"file\":{\"displayName\":\"notes\"}}");
        Response first = api().header("X-Goog-Upload-Command", "upload").header("X-Goog-Upload-Offset", 0)
                .body(java.util.Arrays.copyOf(bytes, 10)).post(path);
        assertEquals(200, first.statusCode());
        assertEquals("active", first.header("X-Goog-Upload-Status"));
        Response wrongOffset = api().header("X-Goog-Upload-Command", "upload").header("X-Goog-Upload-Offset", 3)
                .body(new byte[] {1}).post(path);
        assertEquals(400, wrongOffset.statusCode());
        Response query = api().header("X-Goog-Upload-Command", "query").post(path);
        assertEquals("10", query.header("X-Goog-Upload-Size-Received"));
        Response last = api().header("X-Goog-Upload-Command", "upload, finalize").header("X-Goog-Upload-Offset", 10)
                .body(java.util.Arrays.copyOfRange(bytes, 10, 20)).post(path);
        assertEquals(200, last.statusCode(), last.asString());
        assertEquals("final", last.header("X-Goog-Upload-Status"));
        JsonObject file = new JsonObject(last.asString()).getJsonObject("file");
        String name = file.getString("name");
        assertTrue(name.matches("files/[a-z0-9]{12}"), name);
        String id = name.substring(6);
        assertEquals(java.util.List.of("name", "displayName", "mimeType", "sizeBytes", "createTime", "updateTime",
                "expirationTime", "sha256Hash", "uri", "state", "source"), java.util.List.copyOf(file.fieldNames()));
        assertEquals("notes", file.getString("displayName"));
        assertEquals("20", file.getString("sizeBytes"));
        assertEquals("ACTIVE", file.getString("state"));
        assertEquals("UPLOADED", file.getString("source"));
        assertEquals(sim.baseUrl() + "/v1beta/files/" + id, file.getString("uri"));
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertEquals(Base64.getEncoder().encodeToString(hex.getBytes(StandardCharsets.US_ASCII)),
                file.getString("sha256Hash"));
        assertEquals("owner", sim.fileOwner(name));
        // the key-less chunks are logged against the upload's project
        GeminiSimulator.LoggedRequest chunk = sim.requestRecords().stream()
                .filter(r -> r.line().startsWith("POST /upload/v1beta/files?upload_id=")).findFirst().orElseThrow();
        assertEquals("owner", chunk.project());
        assertNull(chunk.keyMask());
        assertEquals(200, chunk.status());

        api().header("x-goog-api-key", owner).get("/v1beta/files/" + id).then().statusCode(200)
                .body("name", org.hamcrest.Matchers.equalTo(name));
        assertBody(denied(id), api().header("x-goog-api-key", stranger).get("/v1beta/files/" + id).asString());
        assertEquals(1, api().header("x-goog-api-key", owner).get("/v1beta/files").jsonPath().getList("files").size());
        assertBody("{}", api().header("x-goog-api-key", stranger).get("/v1beta/files").asString());
        assertEquals(200, json(withFile(file.getString("uri"))).header("x-goog-api-key", owner).post(GENERATE)
                .statusCode());
        assertBody(denied(id), json(withFile(name)).header("x-goog-api-key", stranger).post(GENERATE).asString());
        assertEquals(403, api().header("x-goog-api-key", stranger).delete("/v1beta/files/" + id).statusCode());
        assertBody("{}", api().header("x-goog-api-key", owner).delete("/v1beta/files/" + id).asString());
        assertBody(denied(id), api().header("x-goog-api-key", owner).get("/v1beta/files/" + id).asString());
        assertEquals(403, json(withFile(name)).header("x-goog-api-key", owner).post(GENERATE).statusCode());
        assertEquals(404, api().header("X-Goog-Upload-Command", "upload, finalize").header("X-Goog-Upload-Offset", 20)
                .body(new byte[] {1}).post(path).statusCode(), "a finished session is gone");
    }

    @Test
    void theUploadUrlFollowsTheHostHeaderAndEchoesAQueryKey() {
        String key = validKey("p1");
        Response viaProxy = json("{}").header("Host", "gateway.example:9443").header("x-goog-api-key", key)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .post("/upload/v1beta/files");
        assertTrue(viaProxy.header("X-Goog-Upload-URL").startsWith("http://gateway.example:9443/upload/v1beta/files"
                + "?upload_id="), viaProxy.header("X-Goog-Upload-URL"));
        assertTrue(!viaProxy.header("X-Goog-Upload-URL").contains("key="));
        Response withQueryKey = json("{}").header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").post("/upload/v1beta/files?key=" + key);
        assertTrue(withQueryKey.header("X-Goog-Upload-URL").endsWith("&key=" + key), "Google echoes a ?key= start");
        assertEquals(403, json("{}").header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start").post("/upload/v1beta/files").statusCode(), "no key");
        assertEquals(404, api().header("X-Goog-Upload-Command", "upload, finalize")
                .body(new byte[] {1}).post("/upload/v1beta/files?upload_id=nope").statusCode());
    }

    @Test
    void multipartUploadTakesTheMetadataAndTheMediaPart() throws Exception {
        String key = validKey("p1");
        String boundary = "sim-boundary-42";
        byte[] media = new byte[70_000];
        new java.util.Random(3).nextBytes(media);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + "{\"file\":{\"displayName\":\"blob\",\"name\":\"files/my-blob-1\"}}\r\n--" + boundary
                + "\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(media);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        Response r = api().header("x-goog-api-key", key).header("X-Goog-Upload-Protocol", "multipart")
                .contentType("multipart/related; boundary=" + boundary).body(body.toByteArray())
                .post("/upload/v1beta/files");
        assertEquals(200, r.statusCode(), r.asString());
        JsonObject file = new JsonObject(r.asString()).getJsonObject("file");
        assertEquals("files/my-blob-1", file.getString("name"));
        assertEquals("image/png", file.getString("mimeType"));
        assertEquals("70000", file.getString("sizeBytes"));
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(media));
        assertEquals(Base64.getEncoder().encodeToString(hex.getBytes(StandardCharsets.US_ASCII)),
                file.getString("sha256Hash"));
        Response again = api().header("x-goog-api-key", key).header("X-Goog-Upload-Protocol", "multipart")
                .contentType("multipart/related; boundary=" + boundary).body(body.toByteArray())
                .post("/upload/v1beta/files");
        assertEquals(409, again.statusCode(), "the name is taken in this project");
    }

    @Test
    void aVideoIsProcessingUntilPolledAndFilesExpireAfter48Hours() {
        String key = validKey("p1");
        JsonObject video = upload(key, "video/mp4", new byte[1000]);
        assertEquals("PROCESSING", video.getString("state"));
        String id = video.getString("name").substring(6);
        Response notYet = json(withFile(video.getString("name"))).header("x-goog-api-key", key).post(GENERATE);
        assertBody("{\"error\":{\"code\":400,\"message\":\"The File " + id + " is not in an ACTIVE state and usage is "
                + "not allowed.\",\"status\":\"FAILED_PRECONDITION\"}}", notYet.asString());
        api().header("x-goog-api-key", key).get("/v1beta/files/" + id).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("ACTIVE"));
        assertEquals(200, json(withFile(video.getString("name"))).header("x-goog-api-key", key).post(GENERATE)
                .statusCode());
        sim.advanceClock(java.time.Duration.ofHours(49));
        assertBody(denied(id), api().header("x-goog-api-key", key).get("/v1beta/files/" + id).asString());
    }

    @Test
    void listPagesAtTenWithAnOpaqueTokenAndUploadedFilesCannotBeDownloaded() {
        String key = validKey("p1");
        for (int i = 0; i < 12; i++) {
            upload(key, "text/plain", ("file " + i).getBytes(StandardCharsets.UTF_8));
        }
        Response page1 = api().header("x-goog-api-key", key).get("/v1beta/files");
        assertEquals(10, page1.jsonPath().getList("files").size());
        String token = page1.jsonPath().getString("nextPageToken");
        Response page2 = api().header("x-goog-api-key", key).queryParam("pageToken", token).get("/v1beta/files");
        assertEquals(2, page2.jsonPath().getList("files").size());
        assertNull(page2.jsonPath().getString("nextPageToken"));
        assertEquals(400, api().header("x-goog-api-key", key).queryParam("pageToken", "bogus").get("/v1beta/files")
                .statusCode());
        String id = page2.jsonPath().getString("files[0].name").substring(6);
        assertEquals(400, api().header("x-goog-api-key", key).get("/v1beta/files/" + id + ":download?alt=media")
                .statusCode());
    }

    @Test
    void aChunkCutOffMidBodyKeepsTheSessionForAResume() throws Exception {
        String key = validKey("p1");
        String path = start(key, "application/pdf", 100, "{}");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", sim.port())) {
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
                    + "X-Goog-Upload-Command: upload, finalize\r\nX-Goog-Upload-Offset: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[40]);
            socket.getOutputStream().flush();
            // the client goes away with 60 bytes unsent; ask until the simulator has seen all 40 (bounded)
            String received = null;
            for (int i = 0; i < 50; i++) {
                received = api().header("X-Goog-Upload-Command", "query").post(path).header("X-Goog-Upload-Size-Received");
                if ("40".equals(received)) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals("40", received);
        }
        Response rest = api().header("X-Goog-Upload-Command", "upload, finalize").header("X-Goog-Upload-Offset", 40)
                .body(new byte[60]).post(path);
        assertEquals(200, rest.statusCode(), rest.asString());
        assertEquals("100", new JsonObject(rest.asString()).getJsonObject("file").getString("sizeBytes"));
    }

    @Test
    void anUploadAboveTheKeepLimitIsOnlyCountedNotStored() {
        String key = validKey("p1");
        sim.setKeepUploadBytesUpTo(10);
        String jsonl = "{\"key\":\"a\",\"request\":" + userText("too big to keep") + "}\n";
        String name = upload(key, "application/jsonl", jsonl.getBytes(StandardCharsets.UTF_8)).getString("name");
        Response batch = json("{\"batch\":{\"inputConfig\":{\"fileName\":\"" + name + "\"}}}")
                .header("x-goog-api-key", key).post("/v1beta/models/gemini-3.8-flash:batchGenerateContent");
        assertEquals(400, batch.statusCode(), "no bytes were kept to read the requests from");
    }

    @Test
    void anOversizedStartBodyIsA400NotABufferedGigabyte() {
        String key = validKey("p1");
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        Response r = api().contentType("application/json").body(big).header("x-goog-api-key", key)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .post("/upload/v1beta/files");
        assertEquals(400, r.statusCode());
        assertTrue(r.jsonPath().getString("error.message").contains("larger than"), r.asString());
    }

    @Test
    void cloudStorageFilesRegisterAsRegisteredFilesOfTheProject() {
        String key = validKey("p1");
        String stranger = validKey("p2");
        Response r = json("{\"uris\":[\"gs://bucket/report.pdf\"]}").header("x-goog-api-key", key)
                .post("/v1beta/files:register");
        assertEquals(200, r.statusCode(), r.asString());
        String name = r.jsonPath().getString("files[0].name");
        assertEquals("REGISTERED", r.jsonPath().getString("files[0].source"));
        assertEquals("report.pdf", r.jsonPath().getString("files[0].displayName"));
        assertEquals(200, json(withFile(name)).header("x-goog-api-key", key).post(GENERATE).statusCode());
        assertEquals(403, json(withFile(name)).header("x-goog-api-key", stranger).post(GENERATE).statusCode());
        assertEquals(400, json("{\"uris\":[\"https://example.com/x\"]}").header("x-goog-api-key", key)
                .post("/v1beta/files:register").statusCode());
    }
}
