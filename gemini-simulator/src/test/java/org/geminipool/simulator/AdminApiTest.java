package org.geminipool.simulator;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The /_sim/ admin API drives the same state as the Java API. */
class AdminApiTest extends SimTestBase {

    private static final String FLASH = "/v1beta/models/gemini-3.8-flash:generateContent";

    @Test
    void keysQuotasClockCountersOverHttp() {
        String key = fakeKey();
        String other = fakeKey();
        json("{\"keys\":[{\"apiKey\":\"" + key + "\",\"project\":\"adm\"},{\"apiKey\":\"" + other
                + "\",\"project\":\"adm\",\"status\":\"suspended\"}]}").post("/_sim/keys").then().statusCode(204);
        json(userText("x")).header("x-goog-api-key", other).post(FLASH).then().statusCode(403);
        json("{\"apiKey\":\"" + other + "\",\"status\":\"VALID\"}").post("/_sim/keys/status").then().statusCode(204);
        json("{\"rpm\":1,\"rpd\":50}").put("/_sim/projects/adm/quotas/gemini-3.8-flash").then().statusCode(204);
        json("{\"seconds\":0}").post("/_sim/clock/advance").then().statusCode(200);
        alignToPacificNoon();
        json(userText("x")).header("x-goog-api-key", key).post(FLASH).then().statusCode(200);
        json(userText("x")).header("x-goog-api-key", other).post(FLASH).then().statusCode(429);
        json("{\"duration\":\"PT1M\"}").post("/_sim/clock/advance").then().statusCode(200)
                .body("pacificDay", org.hamcrest.Matchers.notNullValue());
        json(userText("x")).header("x-goog-api-key", other).post(FLASH).then().statusCode(200);
        api().get("/_sim/counters").then().statusCode(200)
                .body("projects.'adm/gemini-3.8-flash'.accepted", equalTo(2))
                .body("projects.'adm/gemini-3.8-flash'.refused", equalTo(1));
        api().get("/_sim/counters/keys/" + other).then().statusCode(200)
                .body("accepted", equalTo(1)).body("refused", equalTo(2));
        api().get("/_sim/counters/projects/adm/models/gemini-3.8-flash").then().body("accepted", equalTo(2));
        json("{}").post("/_sim/projects/adm/models/gemini-3.8-flash/exhaust-day").then().statusCode(204);
        json(userText("x")).header("x-goog-api-key", key).post(FLASH).then().statusCode(429)
                .body("error.details[1].violations[0].quotaId", equalTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier"));
        json("{\"count\":1,\"status\":500}").post("/_sim/fail").then().statusCode(204);
        json("{\"rpm\":5,\"rpd\":5}").put("/_sim/quotas/gemini-3.6-flash").then().statusCode(204);
        json(userText("x")).header("x-goog-api-key", key).post("/v1beta/models/gemini-3.6-flash:generateContent")
                .then().statusCode(500);
        json("{\"key\":\"sk-or-x\",\"rpm\":3}").put("/_sim/openrouter/keys").then().statusCode(204);
        json("{\"fixedMs\":0,\"perChunkMs\":0}").put("/_sim/latency").then().statusCode(204);
        api().get("/_sim/state").then().statusCode(200).body("keys.size()", equalTo(2))
                .body("defaultQuotas.'gemini-3.6-flash'.rpm", equalTo(5));
        json("{}").post("/_sim/counters/reset").then().statusCode(204);
        assertEquals(0, sim.accepted(key));
        json("{}").post("/_sim/reset").then().statusCode(204);
        json(userText("x")).header("x-goog-api-key", key).post(FLASH).then().statusCode(400);
    }

    @Test
    void badAdminInputIs400() {
        json("{\"status\":\"VALID\"}").post("/_sim/keys").then().statusCode(400);
        json("{\"rpm\":-1,\"rpd\":1}").put("/_sim/quotas/gemini-3.8-flash").then().statusCode(400);
        json("{\"count\":1,\"status\":418}").post("/_sim/fail").then().statusCode(400);
        json("{}").post("/_sim/clock/advance").then().statusCode(400);
        api().get("/_sim/nothing").then().statusCode(404);
    }

    @Test
    void keysFileIsLoaded() throws Exception {
        Path f = Files.createTempFile("keys", ".txt");
        String a = fakeKey();
        String b = fakeKey();
        Files.writeString(f, "# test keys\n" + a + " project=fileproj\n\n" + b + " project=fileproj status=SUSPENDED # comment\n");
        assertEquals(2, GeminiSimulatorMain.loadKeys(sim, f));
        Files.delete(f);
        json(userText("x")).header("x-goog-api-key", a).post(FLASH).then().statusCode(200);
        json(userText("x")).header("x-goog-api-key", b).post(FLASH).then().statusCode(403);
        assertEquals(1, sim.accepted("fileproj", "gemini-3.8-flash"));
    }
}
