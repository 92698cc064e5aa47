package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.geminipool.gateway.http.BodyBudget;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.testsupport.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input suite (design §9): bad model names, percent-encodings, path traversal, oversized, concurrent and
 * deeply nested bodies, random models and silent upstreams, sent the way an attacker would (raw sockets where a client
 * library would tidy the request up). Asserted throughout: no 5xx for bad input, nothing leased or sent upstream for
 * it, no key banned or struck, normal calls still served and counted, no console data without a login.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class HostileInputTest extends GatewayTestBase {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern MODEL_LABEL = Pattern.compile("gemini_pool_requests_total\\{[^}]*model=\"([^\"]*)\"");

    @Inject
    BodyBudget bodyBudget;

    private final List<String> keyIds = new ArrayList<>();
    private final List<String> apiKeys = new ArrayList<>();
    private String pool;

    @BeforeEach
    void pool() {
        ensureDefaultPools();
        pool = unique("hostile");
        for (int i = 0; i < 3; i++) {
            String k = newKey();
            apiKeys.add(k);
            keyIds.add(addKey(k, unique("p-hostile"), KeyStatus.VALID, pool));
        }
        useRoutes("""
                routes:
                  - name: hostile
                    match: { models: [hostile_pool] }
                    targets: [ { pool: %s, model: gemini-3.8-flash } ]
                """.formatted(pool));
        sim().clearRequestLog();
    }

    @AfterEach
    void noKeyWasHurt() {
        sim().setLatency(java.time.Duration.ZERO, java.time.Duration.ZERO);
        for (String id : keyIds) {
            var key = keyInfo(id);
            assertEquals("ACTIVE", key.getString("state"), "key " + id + " after hostile input");
            assertEquals(0, key.getInt("failureStreak"), "failure streak of key " + id);
        }
    }

    private static int port() {
        return RestAssured.port;
    }

    private static Map<String, String> auth() {
        return Map.of("Authorization", "Bearer " + PoolServicesTestResource.CLIENT_TOKEN,
                "Content-Type", "application/json");
    }

    private static void no5xx(int status, String what) {
        assertTrue(status >= 200 && status < 500, what + " answered " + status);
    }

    /** Names that are not model ids: each is refused in the route's protocol before any lease, many times over. */
    static final List<String> BAD_NAMES = List.of("a b", "a%b", "x\"y", "x".repeat(200), "../x", "a/b", "models/",
            ".hidden", "a\tb", "é", "a;b", "a?b", "a#b", "<script>", "a\\b");

    @Test
    void badModelNamesAre400BeforeAnyLeaseAndTheBreakerStaysClosed() {
        for (int round = 0; round < 3; round++) {
            for (String name : BAD_NAMES) {
                Response chat = client().contentType(ContentType.JSON).body(chatBody(name, "hi", false))
                        .post("/v1/chat/completions");
                assertEquals(400, chat.statusCode(), name + ": " + chat.asString());
                assertEquals("invalid_request_error", chat.jsonPath().getString("error.type"), name);
                Response emb = client().contentType(ContentType.JSON)
                        .body("{\"model\":" + quote(name) + ",\"input\":\"x\"}").post("/v1/embeddings");
                assertEquals(400, emb.statusCode(), name + ": " + emb.asString());
            }
        }
        // The same names in a Gemini path, percent-encoded as a client would send them, and raw where HTTP allows.
        for (String name : BAD_NAMES) {
            String encoded = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
            for (String method : List.of("generateContent", "countTokens", "streamGenerateContent")) {
                RawHttp.Answer a = RawHttp.send(port(), "POST", "/v1beta/models/" + encoded + ":" + method, auth(),
                        geminiBody("hi"));
                no5xx(a.status(), name + " " + method);
                assertTrue(a.status() >= 400, name + " " + method + " answered " + a.status());
                assertTrue(a.body().contains("\"status\""), "Google's error shape: " + a.body());
            }
        }
        // (the request log, not the counters: a slow answer of an earlier test may still be counted meanwhile)
        assertEquals(List.of(), sim().requestLog(), "no bad name reached the upstream");
        // A valid call right after is served: the shared keypool breaker did not open.
        client().contentType(ContentType.JSON).body(chatBody("hostile_pool", "still served?", false))
                .post("/v1/chat/completions").then().statusCode(200);
        client().contentType(ContentType.JSON).body(geminiBody("still served?"))
                .post("/v1beta/models/hostile_pool:generateContent").then().statusCode(200);
    }

    @Test
    void longModelNamesNeverReachUsageAndNormalCallsAreAllCounted() throws Exception {
        String longName = "m".repeat(300);
        for (String path : List.of("/v1/models/" + longName, "/v1beta/models/" + longName,
                "/v1beta/models/models%2F" + longName)) {
            RawHttp.Answer a = RawHttp.get(port(), path, auth());
            assertEquals(400, a.status(), path + ": " + a.body());
        }
        client().contentType(ContentType.JSON).body(geminiBody("count"))
                .post("/v1beta/models/" + longName + ":countTokens").then().statusCode(400);
        for (int i = 0; i < 10; i++) {
            client().contentType(ContentType.JSON).body(geminiBody("normal " + i))
                    .post("/v1beta/models/hostile_pool:generateContent").then().statusCode(200);
        }
        awaitUsageShipped();
        long counted = 0;
        for (Map<String, Object> row : usageDaily(pacificToday())) {
            if (keyIds.contains(String.valueOf(row.get("keyId")))) {
                counted += number(row, "requests");
            }
        }
        assertEquals(10, counted, "every normal call after the bad ones is in usage");
        assertTrue(usageDaily(pacificToday()).stream().noneMatch(r -> String.valueOf(r.get("model")).length() > 128));
    }

    @Test
    void noClientCanSteerTheUpstreamPath() {
        List<String> targets = List.of(
                "/v1/models/a/../../../../v1beta/files",
                "/v1/models/a/..%2F..%2F..%2F..%2Fv1beta%2Ffiles",
                "/v1/models/%2e%2e/%2e%2e/v1beta/files",
                "/v1/models/%2E%2E%2F%2E%2E%2Fv1beta%2Ffiles",
                "/v1beta/models/..%2F..%2Fv1beta%2Ffiles",
                "/v1beta/models/gemini-3.8-flash%2F..%2F..%2Ffiles",
                "/v1beta/models/gemini-3.8-flash/../../files",
                "/v1beta/models/%252e%252e%252fv1beta%252ffiles",
                "/v1beta/openai/models/..%2F..%2F..%2Fv1beta%2Ffiles",
                "/v1beta/models/x/..;/..;/files");
        for (String target : targets) {
            RawHttp.Answer a = RawHttp.get(port(), target, auth());
            no5xx(a.status(), target);
        }
        for (String target : List.of("/v1beta/models/..%2F..%2Ffiles:generateContent",
                "/v1/models/gemini-3.8-flash%2F..%2F..%2Ffiles:generateContent",
                "/v1beta/models/%2e%2e:generateContent", "/v1beta/models/a/../../files:countTokens")) {
            RawHttp.Answer a = RawHttp.send(port(), "POST", target, auth(), geminiBody("x"));
            no5xx(a.status(), target);
        }
        for (String line : sim().requestLog()) {
            String path = line.substring(line.indexOf(' ') + 1);
            assertFalse(path.contains("files") || path.contains("..") || path.contains("%2F") || path.contains("%2f")
                    || path.contains("%2e") || path.contains("%2E") || path.contains("%25"),
                    "the upstream received " + line);
            assertTrue(path.matches("/v1beta(/openai)?/models(/[A-Za-z0-9._-]+(:[A-Za-z]+)?)?(\\?.*)?"),
                    "the upstream received a path the gateway does not serve: " + line);
        }
    }

    @Test
    void randomModelNamesShareOneMetricLabel() {
        Set<String> before = modelLabels();
        for (int i = 0; i < 150; i++) {
            String name = "random-" + Long.toHexString(RANDOM.nextLong());
            Response r = client().contentType(ContentType.JSON).body(geminiBody("x"))
                    .post("/v1beta/models/" + name + ":countTokens");
            no5xx(r.statusCode(), name);
        }
        Set<String> added = new HashSet<>(modelLabels());
        added.removeAll(before);
        assertTrue(added.size() <= 1, "new model label values: " + added);
        assertTrue(modelLabels().contains("other"), "unknown models are labelled other: " + modelLabels());
    }

    private static Set<String> modelLabels() {
        String metrics = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> labels = new HashSet<>();
        Matcher m = MODEL_LABEL.matcher(metrics);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    @Test
    void deepAndOversizedBodiesAre4xx() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        Response r = client().contentType(ContentType.JSON)
                .body("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"x\":" + deep + "}")
                .post("/v1beta/models/hostile_pool:generateContent");
        assertEquals(400, r.statusCode(), r.asString());
        String deepObject = "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
        Response chat = client().contentType(ContentType.JSON)
                .body("{\"model\":\"hostile_pool\",\"messages\":[{\"role\":\"user\",\"content\":" + deepObject + "}]}")
                .post("/v1/chat/completions");
        assertEquals(400, chat.statusCode(), chat.asString());
        client().contentType(ContentType.JSON).body(geminiBody("x".repeat(70 * 1024)))
                .post("/v1beta/models/hostile_pool:generateContent").then().statusCode(413);
        // A declared length above the limit is refused before the body is read.
        RawHttp.Answer declared = RawHttp.send(port(), "POST", "/v1/chat/completions",
                Map.of("Authorization", "Bearer " + PoolServicesTestResource.CLIENT_TOKEN,
                        "Content-Type", "application/json", "Content-Length", "999999999"), null);
        assertEquals(413, declared.status(), declared.body());
    }

    @Test
    void bodiesBeyondTheInFlightBudgetAre429AndTheBudgetComesBack() throws Exception {
        // Three connections that declare 60 KB bodies and send only part: their bytes are reserved meanwhile.
        List<Socket> holders = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket("127.0.0.1", port());
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1beta/models/hostile_pool:generateContent HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + PoolServicesTestResource.CLIENT_TOKEN + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n{\"contents\":")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                holders.add(s);
            }
            for (int i = 0; i < 200 && bodyBudget.inFlight() < 180_000; i++) {
                Thread.sleep(50);
            }
            assertEquals(180_000, bodyBudget.inFlight(), "three declared bodies are held");
            String body = geminiBody("y".repeat(50_000));
            Response refused = client().contentType(ContentType.JSON).body(body)
                    .post("/v1beta/models/hostile_pool:generateContent");
            assertEquals(429, refused.statusCode(), refused.asString());
            assertEquals("RESOURCE_EXHAUSTED", refused.jsonPath().getString("error.status"));
            assertEquals("1", refused.getHeader("Retry-After"));
            Response openAi = client().contentType(ContentType.JSON).body(chatBody("hostile_pool", "y".repeat(50_000),
                    false)).post("/v1/chat/completions");
            assertEquals(429, openAi.statusCode());
            assertEquals("rate_limit_error", openAi.jsonPath().getString("error.type"));
        } finally {
            for (Socket s : holders) {
                s.close();
            }
        }
        for (int i = 0; i < 200 && bodyBudget.inFlight() > 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, bodyBudget.inFlight(), "closed connections give their reservation back");
        client().contentType(ContentType.JSON).body(geminiBody("y".repeat(50_000)))
                .post("/v1beta/models/hostile_pool:generateContent").then().statusCode(200);

        // Many large bodies at once: each is served, refused as too large or refused for now; never a 5xx.
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                answers.add(pool.submit(() -> client().contentType(ContentType.JSON)
                        .body(geminiBody((n % 3 == 0 ? "z".repeat(70_000) : "z".repeat(55_000)) + n))
                        .post("/v1beta/models/hostile_pool:generateContent").statusCode()));
            }
            for (Future<Integer> f : answers) {
                int status = f.get(60, TimeUnit.SECONDS);
                assertTrue(Set.of(200, 413, 429, 503).contains(status), "concurrent large body answered " + status);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSilentUpstreamIsNeitherStruckNorRetried() {
        // The upstream takes the call and says nothing past GEMINI_POOL_UPSTREAM_TIMEOUT (6 s in these tests).
        long before = upstreamCalls();
        sim().setLatency(java.time.Duration.ofSeconds(9), java.time.Duration.ZERO);
        Response r = client().contentType(ContentType.JSON).body(geminiBody("think long"))
                .post("/v1beta/models/hostile_pool:generateContent");
        sim().setLatency(java.time.Duration.ZERO, java.time.Duration.ZERO);
        assertEquals(504, r.statusCode(), r.asString());
        assertEquals("DEADLINE_EXCEEDED", r.jsonPath().getString("error.status"));
        long sent = sim().requestLog().stream().filter(l -> l.contains(":generateContent")).count();
        assertEquals(1, sent, "one upstream call, not retried on other keys: " + sim().requestLog());
        // (the simulator counts the silent call once it answers; the no-strike check is in noKeyWasHurt)
        assertTrue(upstreamCalls() - before <= 1);
    }

    @Test
    void aStreamThatGoesSilentAfterItsFirstChunkIsNotRetried() {
        sim().setLatency(java.time.Duration.ZERO, java.time.Duration.ofSeconds(9));
        Response r = client().contentType(ContentType.JSON).body(geminiBody("stream and pause"))
                .post("/v1beta/models/hostile_pool:streamGenerateContent?alt=sse");
        sim().setLatency(java.time.Duration.ZERO, java.time.Duration.ZERO);
        assertEquals(200, r.statusCode());
        assertTrue(r.asString().contains("\"error\""), "the stream ends with an error event: " + r.asString());
        long sent = sim().requestLog().stream().filter(l -> l.contains(":streamGenerateContent")).count();
        assertEquals(1, sent, "not restarted on another key: " + sim().requestLog());
    }

    @Test
    void noConsolePathAnswersDataWithoutALogin() {
        List<String> paths = List.of("/%63onsole/api/overview", "/%63onsole/keys", "/consol%65/usage",
                "/%63onsole/usage/clients.csv", "/%63onsole/usage/keys.csv", "/%63onsole/routes", "/%63onsole",
                "/console/%2e%2e/console/keys", "/x/../console/api/overview", "//console/keys",
                "/console//api/overview", "/console/./routes", "/%63%6f%6e%73%6f%6c%65/api/overview",
                "/CONSOLE/keys", "/console;x=y/keys", "/console/api/overview;", "/%2563onsole/keys");
        for (String path : paths) {
            for (String accept : List.of("text/html", "application/json", "text/csv", "*/*")) {
                RawHttp.Answer a = RawHttp.get(port(), path, Map.of("Accept", accept));
                assertTrue(Set.of(303, 401, 404, 400).contains(a.status()), path + " (" + accept + ") answered "
                        + a.status() + ": " + a.body());
                assertFalse(a.body().contains("AIza") || a.body().contains("perModel") || a.body().contains("keyId"),
                        path + " leaked data: " + a.body());
            }
        }
    }

    @Test
    void theRoutesPageShowsTheRoutesInForce() {
        Response login = RestAssured.given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("token", PoolServicesTestResource.ADMIN_TOKEN).post("/console/login");
        assertEquals(303, login.statusCode(), login.asString());
        String cookie = login.getCookie("gp_console");
        String page = RestAssured.given().cookie("gp_console", cookie).accept("text/html").get("/console/routes")
                .then().statusCode(200).extract().asString();
        assertFalse(page.contains("not available"), page);
        assertTrue(page.contains("data-route=\"hostile\""), "the route of this test's table: " + page);
        assertTrue(page.contains("pool " + pool + ": gemini-3.8-flash"), page);
        assertTrue(page.contains("hostile_pool"), "its alias: " + page);
        routeTable.reset();
        String builtIn = RestAssured.given().cookie("gp_console", cookie).accept("text/html").get("/console/routes")
                .then().statusCode(200).extract().asString();
        for (String route : List.of("background", "embedding", "image", "search", "expert", "think", "long-context",
                "bulk", "default")) {
            assertTrue(builtIn.contains("data-route=\"" + route + "\""), route + " in " + builtIn);
        }
        assertTrue(builtIn.contains("asks for reasoning"), "conditions beyond keywords/models are shown");
        assertTrue(builtIn.contains("built-in default routes"), "the source is named");
    }
}
