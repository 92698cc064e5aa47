package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.simulator.ProjectTier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 through the gateway against the simulator: each condition lands on its route, the upstream model that was
 * called and the tool / thinking budget the simulator received; the image route uses a paid pool; header routing only
 * for allowed tokens; no match → default.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class RouteCategoriesTest extends GatewayTestBase {

    private static final String IMAGE_MODEL = "gemini-3.1-flash-image";

    private static String lite;
    private static String flash;
    private static String pro;
    private static String img;
    private static String liteKey;
    private static String flashKey;
    private static String proKey;
    private static String imgKey;
    private static String imgProject;

    @BeforeEach
    void routesAndKeys() {
        synchronized (RouteCategoriesTest.class) {
            if (lite == null) {
                lite = unique("cat-lite");
                flash = unique("cat-flash");
                pro = unique("cat-pro");
                img = unique("cat-img");
                liteKey = newKey();
                flashKey = newKey();
                proKey = newKey();
                imgKey = newKey();
                addKey(liteKey, unique("p-cat-lite"), KeyStatus.VALID, lite);
                addKey(flashKey, unique("p-cat-flash"), KeyStatus.VALID, flash);
                String proProject = unique("p-cat-pro");
                sim().setProjectTier(proProject, ProjectTier.PAID); // today's free tier has no pro (limit: 0)
                addKey(proKey, proProject, KeyStatus.VALID, pro);
                imgProject = unique("p-cat-paid");
                addKey(imgKey, imgProject, KeyStatus.VALID, img);
                projectQuota(imgProject, IMAGE_MODEL, 10, 100);
            }
        }
        useRoutes("""
                default: default
                pools:
                  %1$s: {}
                  %2$s: {}
                  %3$s: {}
                  %4$s: { paid: true }
                routes:
                  - name: background
                    match: { header: true }
                    targets: [ { pool: %1$s, model: gemma-4-31b-it } ]
                  - name: image-unset
                    match: { models: [imagen-unset] }
                    targets: [ { pool: %4$s, model: gemini-3-pro-image } ]
                  - name: image
                    match: { image: true }
                    targets: [ { pool: %4$s, model: gemini-3.1-flash-image } ]
                  - name: search
                    match: { webSearch: true }
                    targets: [ { pool: %1$s, model: gemini-3.5-flash-lite, addTools: [googleSearch] } ]
                  - name: think
                    match: { thinking: true }
                    targets: [ { pool: %3$s, model: gemini-3.1-pro-preview } ]
                  - name: long-context
                    match: { longContext: 2000 }
                    targets: [ { pool: %3$s, model: gemini-3.1-pro-preview } ]
                  - name: quick
                    match: { models: [quick] }
                    targets: [ { pool: %2$s, model: gemini-3.8-flash, thinkingBudget: 0 } ]
                  - name: default
                    targets: [ { pool: %2$s, model: gemini-3.8-flash } ]
                """.formatted(lite, flash, pro, img));
    }

    private static JsonPath lastBody(String key) {
        String body = sim().lastRequestBody(key);
        assertTrue(body != null, "the simulator saw no request from this key");
        return new JsonPath(body);
    }

    @Test
    void googleSearchToolLandsOnTheSearchRouteAndReachesGoogle() {
        client().contentType(ContentType.JSON)
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"news today\"}]}],"
                        + "\"tools\":[{\"google_search\":{}}]}")
                .post("/v1beta/models/default:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("search/" + lite + ":gemini-3.5-flash-lite"));
        JsonPath sent = lastBody(liteKey);
        assertEquals(1, sent.getList("tools").size(), "the client's search tool is not doubled");
        assertEquals(java.util.Map.of(), sent.getMap("tools[0].google_search"));
    }

    @Test
    void searchAliasAddsGoogleSearchToANativeRequest() {
        client().contentType(ContentType.JSON).body(geminiBody("what happened"))
                .queryParam("alt", "sse").post("/v1beta/models/gemini-3.8-flash-search:streamGenerateContent")
                .then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("search/" + lite + ":gemini-3.8-flash"));
        // a concrete model named with -search: that model, from the search route's pool, with googleSearch added
        assertEquals(java.util.Map.of(), lastBody(liteKey).getMap("tools[0].googleSearch"));
    }

    @Test
    void openAiWebSearchToolLandsOnTheSearchRouteWithoutTheUnknownTool() {
        client().contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o\",\"tools\":[{\"type\":\"web_search\"}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"search this\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("search/" + lite + ":gemini-3.5-flash-lite"));
        JsonPath sent = lastBody(liteKey);
        assertEquals("gemini-3.5-flash-lite", sent.getString("model"));
        assertNull(sent.get("tools"), "Google's OpenAI endpoint has no web_search tool");
    }

    @Test
    void thinkingRequestsLandOnPro() {
        client().contentType(ContentType.JSON)
                .body("{\"model\":\"default\",\"reasoning_effort\":\"high\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"prove it\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("think/" + pro + ":gemini-3.1-pro-preview"));
        assertEquals("gemini-3.1-pro-preview", lastBody(proKey).getString("model"));
        client().contentType(ContentType.JSON)
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"think\"}]}],"
                        + "\"generationConfig\":{\"thinkingConfig\":{\"thinkingBudget\":2048}}}")
                .post("/v1beta/models/default:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("think/" + pro + ":gemini-3.1-pro-preview"))
                .body("usageMetadata.thoughtsTokenCount", notNullValue());
        // reasoning_effort "minimal" asks for a quick answer: not the think route.
        client().contentType(ContentType.JSON)
                .body("{\"reasoning_effort\":\"minimal\",\"messages\":[{\"role\":\"user\",\"content\":\"quick\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", startsWith("default/"));
    }

    @Test
    void longContextLandsOnPro() {
        String longText = "word ".repeat(1700); // 8500 characters ≈ 2125 estimated tokens > 2000
        client().contentType(ContentType.JSON).body(chatBody("default", longText, false))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("long-context/" + pro + ":gemini-3.1-pro-preview"));
        client().contentType(ContentType.JSON).body(chatBody("default", "short", false))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("default/" + flash + ":gemini-3.8-flash"));
    }

    @Test
    void imagesGenerationsUsesThePaidPool() {
        // Quota-bearing image calls only: a background models.list (family refresh) may use any key.
        long before = sim().accepted(imgProject, IMAGE_MODEL);
        client().contentType(ContentType.JSON).body("{\"model\":\"dall-e-3\",\"prompt\":\"a red fox\",\"n\":1}")
                .post("/v1/images/generations").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("image/" + img + ":" + IMAGE_MODEL))
                .body("data[0].b64_json", notNullValue());
        assertEquals(IMAGE_MODEL, lastBody(imgKey).getString("model"));
        client().contentType(ContentType.JSON)
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"draw a cat\"}]}],"
                        + "\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"]}}")
                .post("/v1beta/models/default:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("image/" + img + ":" + IMAGE_MODEL))
                .body("candidates[0].content.parts.find { it.inlineData != null }.inlineData.data", notNullValue());
        assertEquals(before + 2, sim().accepted(imgProject, IMAGE_MODEL));
    }

    @Test
    void directRequestsNeverSpendAPaidPoolsKey() {
        // Any model is leasable (design §3); a direct request may use any pool's key except a paid pool's.
        String model = unique("gemini-direct-paid");
        sim().setDefaultQuota(model, 10, 100);
        String paidKey = newKey();
        String paidProject = unique("p-cat-paid-direct");
        addKey(paidKey, paidProject, KeyStatus.VALID, img);
        long paidBefore = sim().accepted(paidKey);
        for (int i = 0; i < 6; i++) {
            client().contentType(ContentType.JSON).body(geminiBody("hello"))
                    .post("/v1beta/models/" + model + ":generateContent").then().statusCode(200);
        }
        assertEquals(paidBefore, sim().accepted(paidKey), "a direct request was served by a paid pool's key");
    }

    @Test
    void aPaidPoolOfFreeTierKeysIsParkedAfterOneRefusal() {
        // Image models have no free tier: Google answers limit 0, the project is parked, nothing is sprayed.
        String freeImg = unique("cat-img-free");
        String project = unique("p-img-free");
        addKey(newKey(), project, KeyStatus.VALID, freeImg);
        useRoutes("pools:\n  " + freeImg + ": { paid: true }\nroutes:\n  - name: image\n    match: { image: true }\n"
                + "    targets: [ { pool: " + freeImg + ", model: " + IMAGE_MODEL + " } ]\n");
        for (int i = 0; i < 3; i++) {
            client().contentType(ContentType.JSON).body("{\"model\":\"" + IMAGE_MODEL + "\",\"prompt\":\"x\"}")
                    .post("/v1/images/generations").then().statusCode(429)
                    .body("error.message", containsString("MODEL_UNAVAILABLE"));
        }
        assertEquals(1, sim().refused(project, IMAGE_MODEL), "limit 0 costs one refused call, then the project is parked");
    }

    @Test
    void thinkingBudgetOverrideAndNonThinkingAlias() {
        client().contentType(ContentType.JSON).body(geminiBody("fast please"))
                .post("/v1beta/models/quick:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("quick/" + flash + ":gemini-3.8-flash"))
                .body("usageMetadata.thoughtsTokenCount", nullValue());
        assertEquals(0, lastBody(flashKey).getInt("generationConfig.thinkingConfig.thinkingBudget"));
        client().contentType(ContentType.JSON).body(chatBody("quick", "fast too", false))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("quick/" + flash + ":gemini-3.8-flash"));
        assertEquals("none", lastBody(flashKey).getString("reasoning_effort"));
        client().contentType(ContentType.JSON).body(geminiBody("no thoughts"))
                .post("/v1beta/models/gemini-3.8-flash-non-thinking:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("direct/gemini-3.8-flash"))
                .body("usageMetadata.thoughtsTokenCount", nullValue());
    }

    @Test
    void headerRoutingOnlyForAllowedTokens() {
        client().header("x-gemini-pool-route", "background").contentType(ContentType.JSON)
                .body(chatBody("gemini-3.8-flash", "nightly job", false))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("background/" + lite + ":gemma-4-31b-it"));
        given().header("Authorization", "Bearer " + PoolServicesTestResource.SECOND_CLIENT_TOKEN)
                .header("x-gemini-pool-route", "background").contentType(ContentType.JSON)
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"not allowed to pick\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("default/" + flash + ":gemini-3.8-flash"));
    }

    @Test
    void aRequestMatchingNoRuleLandsOnDefault() {
        client().contentType(ContentType.JSON).body("{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("default/" + flash + ":gemini-3.8-flash"));
        assertEquals("gemini-3.8-flash", lastBody(flashKey).getString("model"));
    }
}
