package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Interactions API (gemini-api-2026.md §7), long-running operations (§8) and File Search stores (§9). */
class InteractionsAndOperationsTest extends SimTestBase {

    private static String create(String input, String extra) {
        return "{\"model\":\"gemini-3.8-flash\",\"input\":\"" + input + "\"" + extra + "}";
    }

    private static List<JsonObject> events(String sse) {
        List<JsonObject> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            if (block.startsWith("data: ")) {
                out.add(new JsonObject(block.substring(6)));
            }
        }
        return out;
    }

    @Test
    void interactionsChainOnOneProjectCountOnTheModelAndUseTheirOwnErrorEnvelope() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        alignToPacificNoon();
        Response first = json(create("What is a key pool?", "")).header("x-goog-api-key", owner)
                .post("/v1beta/interactions");
        assertEquals(200, first.statusCode(), first.asString());
        JsonObject it = new JsonObject(first.asString());
        assertEquals(List.of("id", "status", "model", "steps", "usage", "created", "updated"),
                List.copyOf(it.fieldNames()));
        assertEquals("completed", it.getString("status"));
        assertEquals("model_output", it.getJsonArray("steps").getJsonObject(0).getString("type"));
        JsonObject usage = it.getJsonObject("usage");
        assertEquals(usage.getInteger("total_tokens"), usage.getInteger("total_input_tokens")
                + usage.getInteger("total_output_tokens") + usage.getInteger("total_thought_tokens", 0));
        assertEquals(1, sim.used("owner", "gemini-3.8-flash")[0], "counted on the model's bucket");
        String id = it.getString("id");

        Response second = json(create("And why?", ",\"previous_interaction_id\":\"" + id + "\""))
                .header("x-goog-api-key", owner).post("/v1beta/interactions");
        assertEquals(200, second.statusCode());
        assertEquals(id, second.jsonPath().getString("previous_interaction_id"));
        assertTrue(second.jsonPath().getInt("usage.total_input_tokens") > usage.getInteger("total_input_tokens"),
                "history is billed again");
        Response foreign = json(create("hijack", ",\"previous_interaction_id\":\"" + id + "\""))
                .header("x-goog-api-key", stranger).post("/v1beta/interactions");
        assertBody("{\"error\":{\"code\":\"not_found\",\"message\":\"Interaction " + id + " not found.\"}}",
                foreign.asString());
        assertEquals(404, foreign.statusCode());
        assertEquals(0, sim.used("stranger", "gemini-3.8-flash")[0], "a refusal consumes nothing");

        JsonPath got = api().header("x-goog-api-key", owner).get("/v1beta/interactions/" + id).jsonPath();
        assertEquals("user_input", got.getString("steps[0].type"));
        assertEquals("What is a key pool?", got.getString("steps[0].content[0].text"));
        assertEquals(404, api().header("x-goog-api-key", stranger).get("/v1beta/interactions/" + id).statusCode());
        assertBody("{}", api().header("x-goog-api-key", owner).delete("/v1beta/interactions/" + id).asString());
        assertEquals(404, api().header("x-goog-api-key", owner).get("/v1beta/interactions/" + id).statusCode());

        sim.setProjectQuota("owner", "gemini-3.8-flash", 0, 0);
        Response limited = json(create("more", "")).header("x-goog-api-key", owner).post("/v1beta/interactions");
        assertEquals(429, limited.statusCode());
        assertEquals("resource_exhausted", limited.jsonPath().getString("error.code"));
        assertTrue(limited.jsonPath().getString("error.message").startsWith("You exceeded your current quota"));
        assertBody("{\"error\":{\"code\":\"invalid_argument\",\"message\":\"input is required.\"}}",
                json("{\"model\":\"gemini-3.8-flash\"}").header("x-goog-api-key", owner).post("/v1beta/interactions")
                        .asString());
    }

    @Test
    void aStreamedInteractionSendsItsEventSequenceAndAGetResumesAfterLastEventId() {
        String owner = validKey("owner");
        alignToPacificNoon();
        Response r = json(create("Stream the answer please", ",\"stream\":true")).header("x-goog-api-key", owner)
                .post("/v1beta/interactions");
        assertEquals(200, r.statusCode());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        List<JsonObject> events = events(r.asString());
        List<String> types = events.stream().map(e -> e.getString("event_type")).toList();
        assertEquals("interaction.created", types.get(0));
        assertEquals("step.start", types.get(1));
        assertEquals("step.delta", types.get(2));
        assertEquals("step.stop", types.get(types.size() - 2));
        assertEquals("interaction.completed", types.get(types.size() - 1));
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.getString("event_type").equals("step.delta"))
                .forEach(e -> text.append(e.getJsonObject("delta").getString("text")));
        assertTrue(text.toString().contains("Stream the answer please"), text.toString());
        assertTrue(events.get(types.size() - 1).getJsonObject("interaction").getJsonObject("usage")
                .getInteger("total_tokens") > 0);
        String id = events.get(0).getJsonObject("interaction").getString("id");
        String lastSeen = events.get(2).getString("event_id");
        Response resumed = api().header("x-goog-api-key", owner).queryParam("stream", "true")
                .queryParam("last_event_id", lastSeen).get("/v1beta/interactions/" + id);
        List<JsonObject> rest = events(resumed.asString());
        assertEquals(events.size() - 3, rest.size());
        assertEquals(events.get(3).encode(), rest.get(0).encode());
        assertEquals(400, api().header("x-goog-api-key", owner).queryParam("stream", "true")
                .queryParam("last_event_id", "bogus").get("/v1beta/interactions/" + id).statusCode());
    }

    @Test
    void aBackgroundInteractionCompletesAfterItsPollsAndCanBeCancelled() {
        String owner = validKey("owner");
        sim.setInteractionPolls(2);
        String id = json(create("slow job", ",\"background\":true")).header("x-goog-api-key", owner)
                .post("/v1beta/interactions").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("in_progress")).extract().jsonPath().getString("id");
        assertEquals("in_progress", api().header("x-goog-api-key", owner).get("/v1beta/interactions/" + id)
                .jsonPath().getString("status"));
        assertEquals("completed", api().header("x-goog-api-key", owner).get("/v1beta/interactions/" + id)
                .jsonPath().getString("status"));
        String other = json(create("cancel me", ",\"background\":true")).header("x-goog-api-key", owner)
                .post("/v1beta/interactions").jsonPath().getString("id");
        assertEquals("cancelled", api().header("x-goog-api-key", owner).post("/v1beta/interactions/" + other
                + "/cancel").jsonPath().getString("status"));
        assertEquals(400, api().header("x-goog-api-key", owner).post("/v1beta/interactions/" + id + "/cancel")
                .statusCode());
        assertEquals(400, json(create("x", ",\"store\":false,\"background\":true")).header("x-goog-api-key", owner)
                .post("/v1beta/interactions").statusCode());
    }

    @Test
    void aVeoOperationIsDoneAfterItsPollsAndItsVideoIsTheProjectsFile() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        sim.setProjectTier("owner", ProjectTier.PAID);
        String body = "{\"instances\":[{\"prompt\":\"a cat surfing\"}],\"parameters\":{\"aspectRatio\":\"16:9\"}}";
        assertEquals(429, json(body).header("x-goog-api-key", stranger)
                .post("/v1beta/models/veo-3.1-generate-preview:predictLongRunning").statusCode(), "no free tier");
        String name = json(body).header("x-goog-api-key", owner)
                .post("/v1beta/models/veo-3.1-generate-preview:predictLongRunning").then().statusCode(200).extract()
                .jsonPath().getString("name");
        assertTrue(name.matches("models/veo-3.1-generate-preview/operations/[a-z0-9]{12}"), name);
        assertEquals(403, api().header("x-goog-api-key", stranger).get("/v1beta/" + name).statusCode());
        JsonPath poll1 = api().header("x-goog-api-key", owner).get("/v1beta/" + name).jsonPath();
        assertNull(poll1.get("done"));
        JsonPath poll2 = api().header("x-goog-api-key", owner).get("/v1beta/" + name).jsonPath();
        assertEquals(true, poll2.getBoolean("done"));
        String uri = poll2.getString("response.generateVideoResponse.generatedSamples[0].video.uri");
        assertTrue(uri.startsWith(sim.baseUrl() + "/v1beta/files/") && uri.endsWith(":download?alt=media"), uri);
        String path = uri.substring(sim.baseUrl().length());
        byte[] video = api().header("x-goog-api-key", owner).get(path).then().statusCode(200).extract().asByteArray();
        assertEquals("ftyp", new String(video, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(403, api().header("x-goog-api-key", stranger).get(path).statusCode());
    }

    @Test
    void fileSearchStoresTakeUploadsAndImportsAsDocumentsOfTheirProject() {
        String owner = validKey("owner");
        String stranger = validKey("stranger");
        sim.setOperationPolls(1);
        String store = json("{\"displayName\":\"My Docs\"}").header("x-goog-api-key", owner)
                .post("/v1beta/fileSearchStores").then().statusCode(200).extract().jsonPath().getString("name");
        assertTrue(store.matches("fileSearchStores/my-docs-[a-z0-9]{12}"), store);
        assertEquals(403, api().header("x-goog-api-key", stranger).get("/v1beta/" + store).statusCode());
        Response start = json("{\"displayName\":\"manual\",\"mimeType\":\"text/plain\"}").header("x-goog-api-key", owner)
                .header("X-Goog-Upload-Protocol", "resumable").header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", 5)
                .post("/upload/v1beta/" + store + ":uploadToFileSearchStore");
        String url = start.header("X-Goog-Upload-URL");
        Response fin = api().header("X-Goog-Upload-Command", "upload, finalize").header("X-Goog-Upload-Offset", 0)
                .body("hello".getBytes()).post(url.substring(sim.baseUrl().length()));
        assertEquals("final", fin.header("X-Goog-Upload-Status"));
        String op = fin.jsonPath().getString("name");
        assertTrue(op.startsWith(store + "/upload/operations/"), op);
        assertEquals(true, api().header("x-goog-api-key", owner).get("/v1beta/" + op).jsonPath().getBoolean("done"));
        String file = FilesApiTest.upload(owner, "text/plain", "imported".getBytes()).getString("name");
        String importOp = json("{\"fileName\":\"" + file + "\"}").header("x-goog-api-key", owner)
                .post("/v1beta/" + store + ":importFile").jsonPath().getString("name");
        assertTrue(importOp.startsWith(store + "/operations/"), importOp);
        assertEquals(403, json("{\"fileName\":\"" + file + "\"}").header("x-goog-api-key", stranger)
                .post("/v1beta/" + store + ":importFile").statusCode());
        JsonPath docs = api().header("x-goog-api-key", owner).get("/v1beta/" + store + "/documents").jsonPath();
        assertEquals(2, docs.getList("documents").size());
        assertEquals("STATE_ACTIVE", docs.getString("documents[0].state"));
        assertEquals("STATE_PENDING", docs.getString("documents[1].state"));
        assertEquals("1", api().header("x-goog-api-key", owner).get("/v1beta/" + store).jsonPath()
                .getString("activeDocumentsCount"));
        assertEquals(400, api().header("x-goog-api-key", owner).delete("/v1beta/" + store).statusCode());
        assertBody("{}", api().header("x-goog-api-key", owner).queryParam("force", "true").delete("/v1beta/" + store)
                .asString());
    }
}
