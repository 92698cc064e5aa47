package org.geminipool.simulator;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Live API WebSocket (gemini-api-2026.md §10). Waits are bounded polls of the received messages. */
class LiveApiTest extends SimTestBase {

    /** The simulator's raw Live client with this suite's waits: 10 s a message or the close, 200 messages at most. */
    static final class Client extends LiveTestClient {
        private Client() {
            super(Duration.ofSeconds(10), Duration.ofSeconds(10), 200);
        }

        static Client connect(String query, String headerKey) throws Exception {
            return connect(PATH, query, headerKey == null ? null : "x-goog-api-key", headerKey);
        }

        static Client connect(String path, String query, String header, String value) throws Exception {
            Client c = new Client();
            c.open(sim.baseUrl(), path + query, header == null ? Map.of() : Map.of(header, value));
            return c;
        }
    }

    private static final String SETUP = "{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\","
            + "\"generationConfig\":{\"responseModalities\":[\"TEXT\"]}}}";

    @Test
    void aSessionSetsUpAnswersTextEchoesAudioAndReportsLiveUsage() throws Exception {
        String key = validKey("p1");
        Client c = Client.connect("?key=" + key, null);
        c.send(SETUP);
        assertEquals("{\"setupComplete\":{}}", c.next().encode());
        c.send("{\"clientContent\":{\"turns\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello live\"}]}],"
                + "\"turnComplete\":true}}");
        StringBuilder text = new StringBuilder();
        JsonObject m;
        while (!(m = c.next()).containsKey("usageMetadata")) {
            JsonObject sc = m.getJsonObject("serverContent");
            if (sc.containsKey("modelTurn")) {
                text.append(sc.getJsonObject("modelTurn").getJsonArray("parts").getJsonObject(0).getString("text"));
            } else {
                assertEquals(true, sc.getBoolean("turnComplete"));
            }
        }
        assertTrue(text.toString().contains("Hello live"), text.toString());
        JsonObject usage = m.getJsonObject("usageMetadata");
        assertEquals(usage.getInteger("totalTokenCount"), usage.getInteger("promptTokenCount")
                + usage.getInteger("responseTokenCount"));
        c.send("{\"realtimeInput\":{\"audio\":{\"data\":\"AAECAw==\",\"mimeType\":\"audio/pcm;rate=16000\"}}}");
        JsonObject echo = c.until("serverContent");
        assertEquals("AAECAw==", echo.getJsonObject("serverContent").getJsonObject("modelTurn").getJsonArray("parts")
                .getJsonObject(0).getJsonObject("inlineData").getString("data"));
        c.socket().sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(1, sim.accepted(key));
    }

    @Test
    void badKeysUnknownModelsAndTheSessionLimitAreCloseFrames() throws Exception {
        Client bad = Client.connect("", "AIza" + "x".repeat(35));
        bad.send(SETUP);
        assertEquals("1007 API key not valid. Please pass a valid API key.", bad.close());
        String key = validKey("p1");
        Client rest = Client.connect("", key);
        rest.send("{\"setup\":{\"model\":\"models/gemini-3.8-flash\"}}");
        assertTrue(rest.close().startsWith("1008 models/gemini-3.8-flash is not found for API version v1beta, or is "
                + "not supported for bidiGenerateContent"));
        Client noSetup = Client.connect("", key);
        noSetup.send("{\"clientContent\":{}}");
        assertEquals("1007 The first message must be a setup message.", noSetup.close());

        sim.setLive(1, 600_000, 1000);
        Client first = Client.connect("", key);
        first.send(SETUP);
        first.next();
        Client second = Client.connect("", validKey("p1"));
        second.send(SETUP);
        assertTrue(second.close().startsWith("1011 You exceeded your current quota"), "one session per project");
        Client otherProject = Client.connect("", validKey("p2"));
        otherProject.send(SETUP);
        assertEquals("{\"setupComplete\":{}}", otherProject.next().encode());
        first.socket().sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        first.close();
        // the slot frees once the server has seen the close (bounded retries)
        String answer = null;
        for (int i = 0; i < 50 && !"{\"setupComplete\":{}}".equals(answer); i++) {
            Client again = Client.connect("", key);
            again.send(SETUP);
            JsonObject m = again.messages().poll(2, TimeUnit.SECONDS);
            answer = m == null ? null : m.encode();
        }
        assertEquals("{\"setupComplete\":{}}", answer);
    }

    @Test
    void resumptionHandlesCarryHistoryWithinTheProjectAndGoAwayComesBeforeTheEnd() throws Exception {
        String key = validKey("p1");
        sim.setLive(3, 300, 100);
        Client c = Client.connect("", key);
        c.send("{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\",\"sessionResumption\":{}}}");
        c.next();
        c.send("{\"realtimeInput\":{\"text\":\"remember the blue door\"}}");
        String handle = c.until("sessionResumptionUpdate").getJsonObject("sessionResumptionUpdate")
                .getString("newHandle");
        assertEquals("{\"goAway\":{\"timeLeft\":\"0.100s\"}}", c.until("goAway").encode());
        assertEquals("1000 Session ended (goAway).", c.close());

        sim.setLive(3, 600_000, 1000);
        Client resumed = Client.connect("", key);
        resumed.send("{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\",\"sessionResumption\":"
                + "{\"handle\":\"" + handle + "\"}}}");
        resumed.next();
        resumed.send("{\"realtimeInput\":{\"text\":\"what did I say?\"}}");
        JsonObject usage = resumed.until("usageMetadata").getJsonObject("usageMetadata");
        assertTrue(usage.getInteger("promptTokenCount") > 5, "the history is part of the prompt: " + usage);
        Client stranger = Client.connect("", validKey("p2"));
        stranger.send("{\"setup\":{\"model\":\"models/gemini-3.1-flash-live-preview\",\"sessionResumption\":"
                + "{\"handle\":\"" + handle + "\"}}}");
        assertEquals("1008 Session handle is invalid or expired.", stranger.close());
    }

    @Test
    void ephemeralTokensOpenConstrainedSessionsOfTheirProjectForTheirUses() throws Exception {
        String key = validKey("p1");
        String constrained = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";
        String token = json("{\"uses\":1,\"bidiGenerateContentSetup\":{\"model\":\"models/gemini-3.1-flash-live-preview\"}}")
                .header("x-goog-api-key", key).post("/v1alpha/auth_tokens").then().statusCode(200).extract().jsonPath()
                .getString("name");
        assertTrue(token.matches("auth_tokens/[a-z0-9]{32}"), token);
        assertEquals(400, json("{\"uses\":0}").header("x-goog-api-key", key).post("/v1alpha/auth_tokens").statusCode());
        assertEquals(403, json("{}").post("/v1alpha/auth_tokens").statusCode(), "a token needs a key");
        Client c = Client.connect(constrained, "?access_token=" + token, null, null);
        c.send("{\"setup\":{}}");
        assertEquals("{\"setupComplete\":{}}", c.next().encode(), "the token's setup names the model");
        Client again = Client.connect(constrained, "", "Authorization", "Token " + token);
        again.send(SETUP);
        assertEquals("1008 The auth token is invalid, used up or expired.", again.close());
        String fresh = json("{}").header("x-goog-api-key", key).post("/v1alpha/auth_tokens").jsonPath().getString("name");
        sim.advanceClock(java.time.Duration.ofSeconds(61));
        Client late = Client.connect(constrained, "", "Authorization", "Token " + fresh);
        late.send(SETUP);
        assertEquals("1008 The auth token is invalid, used up or expired.", late.close(), "new sessions within 60 s");
        assertTrue(sim.objects("p1").get("AUTH_TOKEN").size() >= 2);
    }
}
