package org.geminipool.simulator;

import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenRouterTest extends SimTestBase {

    private static final String CHAT = "/api/v1/chat/completions";
    private static final String BODY = "{\"model\":\"google/gemini-3.5-flash-lite\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello router\"}]}";

    @Test
    void bearerKeyWithItsOwnRpm() {
        sim.setOpenRouterKey("sk-or-v1-test", 2);
        alignToPacificNoon();
        json(BODY).header("Authorization", "Bearer sk-or-v1-test").post(CHAT).then().statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("provider", equalTo("Google"))
                .body("model", equalTo("google/gemini-3.5-flash-lite"))
                .body("id", startsWith("gen-"))
                .body("choices[0].message.content", containsString("Hello router"))
                .body("usage.total_tokens", org.hamcrest.Matchers.greaterThan(0));
        json(BODY).header("Authorization", "Bearer sk-or-v1-test").post(CHAT).then().statusCode(200);
        json(BODY).header("Authorization", "Bearer sk-or-v1-test").post(CHAT).then().statusCode(429)
                .body("error.code", equalTo(429)).body("error.message", startsWith("Rate limit exceeded"));
        assertEquals(2, sim.openRouterAccepted());
        sim.advanceClock(java.time.Duration.ofSeconds(60));
        json(BODY).header("Authorization", "Bearer sk-or-v1-test").post(CHAT).then().statusCode(200);
    }

    @Test
    void authAndModelErrors() {
        sim.setOpenRouterKey("sk-or-v1-test", 10);
        json(BODY).post(CHAT).then().statusCode(401).body("error.message", equalTo("No auth credentials found"));
        json(BODY).header("Authorization", "Bearer sk-or-v1-other").post(CHAT).then().statusCode(401)
                .body("error.code", equalTo(401));
        json("{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .header("Authorization", "Bearer sk-or-v1-test").post(CHAT).then().statusCode(400)
                .body("error.message", equalTo("nope is not a valid model ID"));
        sim.failOpenRouterNext(1, 502);
        json(BODY).header("Authorization", "Bearer sk-or-v1-test").post(CHAT).then().statusCode(502);
        assertEquals(0, sim.openRouterAccepted());
    }

    @Test
    void streamEndsWithUsageAndDone() {
        sim.setOpenRouterKey("sk-or-v1-test", 10);
        String body = json(BODY.replace("{\"model\"", "{\"stream\":true,\"model\""))
                .header("Authorization", "Bearer sk-or-v1-test").post(CHAT).then().statusCode(200)
                .extract().asString();
        assertTrue(body.startsWith(": OPENROUTER PROCESSING\n\n"));
        assertTrue(body.endsWith("data: [DONE]\n\n"));
        assertTrue(body.contains("\"usage\":{"));
        api().get("/api/v1/models").then().statusCode(200).body("data.id",
                org.hamcrest.Matchers.hasItem("google/gemini-3.5-flash-lite"));
    }
}
