package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.geminipool.gateway.live.LiveSessions;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Live API through the pool (gateway README, "Live API"), with raw WebSockets: frames both ways and one usage event
 * with tokens; a project that refuses one more session sends it to another, beyond the pool a clear 1013; a resumption
 * handle goes back to its project; a client that leaves leaves no upstream socket; hostile setups get a clean close and
 * ban nothing; an ephemeral token minted through the pool connects to its project; the per-token cap.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class LiveSessionsTest extends GatewayTestBase {

    static final String LIVE_MODEL = "gemini-3.1-flash-live-preview";

    @TestHTTPResource("/")
    URL gateway;

    @Inject
    LiveSessions sessions;

    private final List<LiveClient> clients = new ArrayList<>();
    private static final Map<String, String> KEY_IDS = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterEach
    void closeClients() {
        for (LiveClient c : clients) {
            c.socket().abort();
        }
        sim().setLive(3, 9 * 60_000L, 60_000L);
        // this class's keys sit in pools the routes do not declare: retire them, so that direct requests of other
        // test classes never land on a project with the simulator's default quotas
        for (String id : KEY_IDS.values()) {
            disableKey(id);
        }
        KEY_IDS.clear();
    }

    static void disableKey(String id) {
        io.restassured.RestAssured.given().baseUri(PoolServicesTestResource.keypool().baseUrl())
                .header("Authorization", "Bearer " + PoolServicesTestResource.ADMIN_TOKEN)
                .contentType(ContentType.JSON).body("{\"state\":\"DISABLED\"}").patch("/admin/keys/" + id)
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    private String base() {
        return gateway.toString();
    }

    private LiveClient open(String token) throws Exception {
        LiveClient c = LiveClient.withKey(base(), token);
        clients.add(c);
        return c;
    }

    /** A pool of the given projects (one valid key each, in that order) behind the alias {@code alias}. */
    private Map<String, String> pool(String alias, String model, String... projects) {
        String pool = unique("live");
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        for (String p : projects) {
            String key = newKey();
            KEY_IDS.put(key, addKey(key, p, KeyStatus.VALID, pool));
            keys.put(p, key);
        }
        useRoutes("routes:\n  - name: live\n    match: { models: [" + alias + "] }\n    targets: [ { pool: " + pool
                + ", model: " + model + " } ]\n");
        return keys;
    }

    private static int openAt(String project) {
        return sim().liveSessionsOpen().getOrDefault(project, 0);
    }

    /** Bounded wait until the simulator holds {@code n} sessions of {@code project}. */
    private static void awaitOpen(String project, int n) throws InterruptedException {
        for (int i = 0; i < 200 && openAt(project) != n; i++) {
            Thread.sleep(50);
        }
        assertEquals(n, openAt(project), "open upstream sessions of " + project + ": " + sim().liveSessionsOpen());
    }

    private static long calls(String key) {
        return sim().accepted(key) + sim().refused(key);
    }

    @Test
    void textAndBinaryAudioPassBothWaysAndTheSessionIsCountedWithItsTokens() throws Exception {
        String a = unique("live-a");
        String key = pool("live_text", LIVE_MODEL, a).get(a);
        LiveClient c = open(PoolServicesTestResource.CLIENT_TOKEN);
        c.send(LiveClient.setup("live_text", null));
        assertEquals(new JsonObject().put("setupComplete", new JsonObject()), c.next());
        assertEquals(1, openAt(a));
        String reply = c.turn("Hello live pool");
        assertTrue(reply.contains("Hello live pool"), reply);
        // an audio chunk in a binary frame, echoed back
        c.sendBinary("{\"realtimeInput\":{\"audio\":{\"data\":\"AAECAwQFBgc=\",\"mimeType\":\"audio/pcm;rate=16000\"}}}");
        JsonObject echo = c.until("serverContent");
        assertEquals("AAECAwQFBgc=", echo.getJsonObject("serverContent").getJsonObject("modelTurn")
                .getJsonArray("parts").getJsonObject(0).getJsonObject("inlineData").getString("data"));
        c.until("usageMetadata");
        c.socket().sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        awaitOpen(a, 0);
        assertEquals(1, sim().accepted(key));
        // the client token never went upstream
        for (var r : sim().requestRecords()) {
            assertTrue(r.headers().stream().noneMatch(h -> h.contains(PoolServicesTestResource.CLIENT_TOKEN)), r.line());
        }
        awaitUsageShipped();
        String keyId = keyIdOf(key);
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        for (Map<String, Object> row : usageDaily(pacificToday())) {
            if (keyId.equals(String.valueOf(row.get("keyId"))) && LIVE_MODEL.equals(row.get("model"))) {
                requests += number(row, "requests");
                prompt += number(row, "promptTokens");
                completion += number(row, "completionTokens");
            }
        }
        assertEquals(1, requests, "one usage event for the session");
        assertTrue(prompt > 0 && completion > 0, "tokens of every usageMetadata: " + prompt + "/" + completion);

        String metrics = io.restassured.RestAssured.given().baseUri(base()).get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertTrue(metrics.contains("gemini_pool_live_sessions_open"), "open sessions gauge");
        assertTrue(metricValue(metrics, "gemini_pool_live_bytes_relayed_total{direction=\"down\"") > 0, "bytes down");
        assertTrue(metricValue(metrics, "gemini_pool_live_bytes_relayed_total{direction=\"up\"") > 0, "bytes up");
    }

    private static double metricValue(String metrics, String prefix) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    @Test
    void goAwayAndGooglesCloseReachTheClient() throws Exception {
        sim().setLive(3, 300, 200);
        String a = unique("live-a");
        pool("live_goaway", LIVE_MODEL, a);
        LiveClient c = open(PoolServicesTestResource.CLIENT_TOKEN);
        c.send(LiveClient.setup("live_goaway", null));
        c.until("setupComplete");
        assertEquals(new JsonObject().put("goAway", new JsonObject().put("timeLeft", "0.200s")), c.until("goAway"));
        assertEquals("1000 Session ended (goAway).", c.close());
        awaitOpen(a, 0);
    }

    @Test
    void anIdleSessionIsClosed() throws Exception {
        String a = unique("live-a");
        pool("live_idle", LIVE_MODEL, a);
        LiveClient c = open(PoolServicesTestResource.CLIENT_TOKEN);
        c.send(LiveClient.setup("live_idle", null));
        c.until("setupComplete");
        assertEquals(1, openAt(a));
        // nothing more is sent: after GEMINI_POOL_LIVE_IDLE_TIMEOUT (10 s here) both sides are closed
        String close = c.close();
        assertTrue(close.startsWith("1001 ") && close.contains("GEMINI_POOL_LIVE_IDLE_TIMEOUT"), close);
        awaitOpen(a, 0);
    }

    @Test
    void aProjectThatRefusesSendsTheSessionToAnotherAndBeyondThePoolTheClientIsRefused() throws Exception {
        sim().setLive(1, 9 * 60_000L, 60_000L);
        String a = unique("live-a");
        String b = unique("live-b");
        Map<String, String> keys = pool("live_full", LIVE_MODEL, a, b);
        // a session of project a opened outside the pool: the pool cannot know it, Google refuses the next one
        LiveClient outside = LiveClient.connect(sim().baseUrl(), LiveClient.PATH + "?key=" + keys.get(a), Map.of());
        clients.add(outside);
        outside.send(LiveClient.setup(LIVE_MODEL, null));
        outside.until("setupComplete");

        LiveClient first = open(PoolServicesTestResource.CLIENT_TOKEN);
        first.send(LiveClient.setup("live_full", null));
        first.until("setupComplete");
        assertEquals(1, openAt(b), "the session went to project b: " + sim().liveSessionsOpen());
        assertEquals(1, sim().refused(keys.get(a)), "project a (tried first) refused it");

        LiveClient second = open(PoolServicesTestResource.CLIENT_TOKEN);
        second.send(LiveClient.setup("live_full", null));
        String close = second.close();
        assertTrue(close.startsWith("1013 ") && close.contains("Live session"), close);
        // b's limit is learned (1, and it holds 1): the next session is not even tried there. a's learned limit is
        // never below 1 (a refusal with none of the pool's open means sessions opened elsewhere), so a is tried again.
        long callsB = calls(keys.get(b));
        LiveClient third = open(PoolServicesTestResource.CLIENT_TOKEN);
        third.send(LiveClient.setup("live_full", null));
        assertTrue(third.close().startsWith("1013 "));
        assertEquals(callsB, calls(keys.get(b)), "a full project is not tried");
        for (String k : keys.values()) {
            assertEquals("ACTIVE", keyInfo(keyIdOf(k)).getString("state"), "a session refusal bans nothing");
        }
        outside.socket().sendClose(1000, "done").get(10, TimeUnit.SECONDS);
        awaitOpen(a, 0);
        LiveClient fourth = open(PoolServicesTestResource.CLIENT_TOKEN);
        fourth.send(LiveClient.setup("live_full", null));
        fourth.until("setupComplete");
        assertEquals(1, openAt(a));
        assertEquals(1, openAt(b));
    }

    @Test
    void aBadKeysCloseBansItAndTheSessionOpensOnAnotherProject() throws Exception {
        String a = unique("live-a");
        String b = unique("live-b");
        String pool = unique("live");
        String bad = newKey();
        String badId = addKey(bad, a, KeyStatus.INVALID, pool);
        KEY_IDS.put(bad, badId);
        String good = newKey();
        KEY_IDS.put(good, addKey(good, b, KeyStatus.VALID, pool));
        useRoutes("routes:\n  - name: live\n    match: { models: [live_badkey] }\n    targets: [ { pool: " + pool
                + ", model: " + LIVE_MODEL + " } ]\n");
        LiveClient c = open(PoolServicesTestResource.CLIENT_TOKEN);
        c.send(LiveClient.setup("live_badkey", null));
        c.until("setupComplete");
        assertEquals(1, openAt(b));
        assertEquals(1, sim().refused(bad), "the bad key was tried first (Google closed 1007 API key not valid)");
        assertEquals("BANNED", keyInfo(badId).getString("state"));
        assertTrue(c.turn("after a banned key").contains("after a banned key"));
    }

    @Test
    void aResumedSessionGoesBackToTheProjectThatIssuedItsHandle() throws Exception {
        String a = unique("live-a");
        String b = unique("live-b");
        pool("live_resume", LIVE_MODEL, a, b);
        LiveClient c = open(PoolServicesTestResource.CLIENT_TOKEN);
        c.send(LiveClient.setup("live_resume", "\"sessionResumption\":{}"));
        c.until("setupComplete");
        String project = openAt(a) == 1 ? a : b;
        String other = project.equals(a) ? b : a;
        c.turn("remember the word pelican");
        String handle = c.until("sessionResumptionUpdate").getJsonObject("sessionResumptionUpdate")
                .getString("newHandle");
        assertNotNull(handle);
        // more sessions, until one more is on the handle's project; then the ones elsewhere and the first one close,
        // so that an unpinned session would go to the emptier other project
        List<LiveClient> elsewhere = new ArrayList<>();
        for (int i = 0; i < 4 && openAt(project) < 2; i++) {
            int before = openAt(project);
            LiveClient filler = open(PoolServicesTestResource.CLIENT_TOKEN);
            filler.send(LiveClient.setup("live_resume", null));
            filler.until("setupComplete");
            if (openAt(project) == before) {
                elsewhere.add(filler);
            }
        }
        assertEquals(2, openAt(project));
        for (LiveClient e : elsewhere) {
            e.socket().sendClose(1000, "elsewhere").get(10, TimeUnit.SECONDS);
        }
        c.socket().sendClose(1000, "pause").get(10, TimeUnit.SECONDS);
        awaitOpen(project, 1);
        awaitOpen(other, 0);
        // now project holds 1, other 0: the resumed session still goes to project (Google refuses a foreign handle)
        LiveClient resumed = open(PoolServicesTestResource.CLIENT_TOKEN);
        resumed.send(LiveClient.setup("live_resume", "\"sessionResumption\":{\"handle\":\"" + handle + "\"}"));
        resumed.until("setupComplete");
        assertEquals(2, openAt(project));
        assertEquals(0, openAt(other));
        resumed.send("{\"realtimeInput\":{\"text\":\"which word?\"}}");
        int prompt = resumed.until("usageMetadata").getJsonObject("usageMetadata").getInteger("promptTokenCount");
        assertTrue(prompt > 10, "the history is part of the resumed session's prompt: " + prompt);

        // another client token cannot use the handle; an unknown handle is refused without a call to Google
        LiveClient foreign = open(PoolServicesTestResource.SECOND_CLIENT_TOKEN);
        foreign.send(LiveClient.setup("live_resume", "\"sessionResumption\":{\"handle\":\"" + handle + "\"}"));
        assertTrue(foreign.close().startsWith("1008 "));
        LiveClient unknown = open(PoolServicesTestResource.CLIENT_TOKEN);
        unknown.send(LiveClient.setup("live_resume", "\"sessionResumption\":{\"handle\":\"never-issued\"}"));
        assertTrue(unknown.close().startsWith("1008 "));
    }

    @Test
    void aClientThatLeavesMidSessionLeavesNoUpstreamSocket() throws Exception {
        String a = unique("live-a");
        pool("live_leave", LIVE_MODEL, a);
        int relayed = sessions.openSessions();
        LiveClient c = open(PoolServicesTestResource.CLIENT_TOKEN);
        c.send(LiveClient.setup("live_leave", null));
        c.until("setupComplete");
        c.turn("hello before leaving");
        assertEquals(1, openAt(a));
        c.socket().abort(); // no close frame: the TCP connection just goes
        awaitOpen(a, 0);
        for (int i = 0; i < 100 && sessions.openSessions() != relayed; i++) {
            Thread.sleep(50);
        }
        assertEquals(relayed, sessions.openSessions());
    }

    @Test
    void hostileSetupsGetACleanCloseAndBanNothing() throws Exception {
        String a = unique("live-a");
        String key = pool("live_bad", "gemini-no-such-live-model", a).get(a);
        long before = calls(key);
        String[][] refusedBeforeAnyCall = {
                {"not json at all", "1007 "},
                {"{\"clientContent\":{\"turns\":[]}}", "1007 "},
                {"{\"setup\":{}}", "1007 "},
                {"{\"setup\":{\"model\":\"models/a b\"}}", "1008 "},
                {"[1,2,3]", "1007 "},
        };
        for (String[] t : refusedBeforeAnyCall) {
            LiveClient c = open(PoolServicesTestResource.CLIENT_TOKEN);
            c.send(t[0]);
            String close = c.close();
            assertTrue(close.startsWith(t[1]), t[0] + " → " + close);
        }
        // a setup larger than the gateway reads (1 MiB) and a frame beyond GEMINI_POOL_LIVE_MAX_FRAME_SIZE (2M here)
        LiveClient big = open(PoolServicesTestResource.CLIENT_TOKEN);
        big.send("{\"setup\":{\"model\":\"models/live_bad\",\"x\":\"" + "a".repeat(1_200_000) + "\"}}");
        assertTrue(big.close().startsWith("1009 "));
        LiveClient huge = open(PoolServicesTestResource.CLIENT_TOKEN);
        try {
            huge.send("{\"setup\":{\"model\":\"models/live_bad\",\"x\":\"" + "a".repeat(3_000_000) + "\"}}");
        } catch (ExecutionException e) {
            // the gateway may close before the whole frame is written
        }
        String hugeClose = huge.close();
        assertTrue(hugeClose.startsWith("1009 ") || hugeClose.startsWith("error"), hugeClose);
        assertEquals(before, calls(key), "nothing reached Google");

        // a model Google does not serve: Google's own close reaches the client, the key stays active
        LiveClient unknown = open(PoolServicesTestResource.CLIENT_TOKEN);
        unknown.send(LiveClient.setup("live_bad", null));
        String close = unknown.close();
        assertTrue(close.startsWith("1008 ") && close.contains("not found"), close);
        assertEquals("ACTIVE", keyInfo(keyIdOf(key)).getString("state"));

        // no token, a wrong token: refused before the upgrade
        for (String q : new String[] {"", "?key=not-a-client-token"}) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> LiveClient.connect(base(), LiveClient.PATH + q, Map.of()));
            assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            assertEquals(401, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }
        // another /ws/ method is not proxied
        ExecutionException e = assertThrows(ExecutionException.class, () -> LiveClient.connect(base(),
                "/ws/google.ai.generativelanguage.v1beta.GenerativeService.Other?key="
                        + PoolServicesTestResource.CLIENT_TOKEN, Map.of()));
        assertEquals(404, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
    }

    @Test
    void anEphemeralTokenMintedThroughThePoolOpensASessionOnItsProject() throws Exception {
        String a = unique("live-a");
        pool("live_eph", LIVE_MODEL, a);
        String name = client().contentType(ContentType.JSON).body("{\"uses\":1}").post("/v1alpha/auth_tokens")
                .then().statusCode(200).extract().path("name");
        assertTrue(name.startsWith("auth_tokens/"), name);
        Map<String, Integer> openBefore = sim().liveSessionsOpen();
        String path = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";
        LiveClient c = LiveClient.connect(base(), path + "?access_token=" + name, Map.of());
        clients.add(c);
        c.send(LiveClient.setup(LIVE_MODEL, null));
        c.until("setupComplete");
        String tokenProject = tokenProject(name);
        assertNotNull(tokenProject, "the simulator knows the token's project");
        assertEquals(openBefore.getOrDefault(tokenProject, 0) + 1, openAt(tokenProject),
                "the session opened on the token's project");
        assertTrue(c.turn("hi with a token").contains("hi with a token"));
        // used up (one use): Google's refusal reaches the client (Python style this time)
        LiveClient again = LiveClient.connect(base(), path, Map.of("Authorization", "Token " + name));
        clients.add(again);
        again.send(LiveClient.setup(LIVE_MODEL, null));
        assertTrue(again.close().startsWith("1008 "));
        // a token the pool never minted
        LiveClient forged = LiveClient.connect(base(), path + "?access_token=auth_tokens/forged123", Map.of());
        clients.add(forged);
        forged.send(LiveClient.setup(LIVE_MODEL, null));
        String close = forged.close();
        assertTrue(close.startsWith("1008 ") && close.contains("auth token"), close);
    }

    @Test
    void aClientTokenHoldsAtMostItsCapOfOpenSessions() throws Exception {
        String a = unique("live-a");
        String b = unique("live-b");
        pool("live_cap", LIVE_MODEL, a, b);
        for (int i = 0; i < 5; i++) {
            LiveClient c = open(PoolServicesTestResource.SECOND_CLIENT_TOKEN);
            c.send(LiveClient.setup("live_cap", null));
            c.until("setupComplete");
        }
        LiveClient sixth = open(PoolServicesTestResource.SECOND_CLIENT_TOKEN);
        sixth.send(LiveClient.setup("live_cap", null));
        String close = sixth.close();
        assertTrue(close.startsWith("1013 ") && close.contains("GEMINI_POOL_LIVE_SESSIONS_PER_TOKEN"), close);
        // the other token is not limited by this one's sessions
        LiveClient other = open(PoolServicesTestResource.CLIENT_TOKEN);
        other.send(LiveClient.setup("live_cap", null));
        other.until("setupComplete");
    }

    private static String tokenProject(String name) {
        String id = name.substring("auth_tokens/".length());
        for (var e : sim().liveSessionsOpen().keySet()) {
            if (sim().objects(e).getOrDefault("AUTH_TOKEN", List.of()).contains(id)) {
                return e;
            }
        }
        return null;
    }

    private static String keyIdOf(String apiKey) {
        return KEY_IDS.get(apiKey);
    }
}
