package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.geminipool.simulator.KeyStatus;
import org.geminipool.simulator.ProjectTier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Design §5 on the example routes (with this test's own pools): keywords, embeddings, fallback to OpenRouter. */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class RoutingTest extends GatewayTestBase {

    private String pro;
    private String emb;
    private String lite;

    @BeforeEach
    void routes() {
        pro = unique("pro");
        emb = unique("emb");
        lite = unique("lite");
        useRoutes("""
                default: bulk
                routes:
                  - name: expert
                    match: { keywords: ["[专家模式]", "[评审模式]", "代码重构"] }
                    targets: [ { pool: %s, model: gemini-3.1-pro-preview } ]
                  - name: embedding
                    match: { operation: embed }
                    targets: [ { pool: %s, model: gemini-embedding-001 } ]
                  - name: bulk
                    match: { models: [flash_lite_pool] }
                    targets:
                      - { pool: %s, model: gemini-3.5-flash-lite }
                      - { pool: %s, model: gemini-3.1-flash-lite }
                      - { pool: %s, model: gemma-4-31b-it }
                      - { provider: openrouter, model: google/gemini-3.5-flash-lite }
                """.formatted(pro, emb, lite, lite, lite));
        sim().setOpenRouterKey(PoolServicesTestResource.OPENROUTER_KEY, 1000);
    }

    @Test
    void expertKeywordGoesToThePro() {
        String proKey = newKey();
        String proProject = unique("p-pro");
        sim().setProjectTier(proProject, ProjectTier.PAID); // today's free tier has no pro (limit: 0)
        addKey(proKey, proProject, KeyStatus.VALID, pro);
        client().contentType(ContentType.JSON)
                .body("{\"model\":\"flash_lite_pool\",\"messages\":[{\"role\":\"user\",\"content\":\"[专家模式] 请评审这段代码\"}]}")
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("expert/" + pro + ":gemini-3.1-pro-preview"));
        client().contentType(ContentType.JSON).body(geminiBody("代码重构: split this class"))
                .post("/v1beta/models/flash_lite_pool:generateContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("expert/" + pro + ":gemini-3.1-pro-preview"));
        assertEquals(2, sim().accepted(proKey));
    }

    @Test
    void embeddingsUseTheEmbeddingPool() {
        String embKey = newKey();
        addKey(embKey, unique("p-emb"), KeyStatus.VALID, emb);
        client().contentType(ContentType.JSON).body("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}")
                .post("/v1/embeddings").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("embedding/" + emb + ":gemini-embedding-001"));
        client().contentType(ContentType.JSON).body("{\"content\":{\"parts\":[{\"text\":\"hello\"}]}}")
                .post("/v1beta/models/gemini-embedding-001:embedContent").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("embedding/" + emb + ":gemini-embedding-001"));
        assertEquals(2, sim().accepted(embKey));
    }

    @Test
    void flashLiteSpentForTheDayFallsBackToOpenRouterInTheSameCall() {
        String project = unique("p-lite");
        String liteKey = newKey();
        addKey(liteKey, project, KeyStatus.VALID, lite);
        for (String m : new String[] {"gemini-3.5-flash-lite", "gemini-3.1-flash-lite", "gemma-4-31b-it"}) {
            sim().exhaustDay(project, m);
        }
        long openRouterBefore = sim().openRouterAccepted();
        client().contentType(ContentType.JSON).body(chatBody("flash_lite_pool", "fall back please", false))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("bulk/openrouter:google/gemini-3.5-flash-lite"))
                .body("choices[0].message.content", notNullValue());
        assertEquals(openRouterBefore + 1, sim().openRouterAccepted());
        assertEquals(3, sim().refused(liteKey), "one call per (project, model) found the day spent");

        // The keypool now knows: the next call goes straight to OpenRouter, without a wasted Google call.
        client().contentType(ContentType.JSON).body(chatBody("flash_lite_pool", "again", true))
                .post("/v1/chat/completions").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("bulk/openrouter:google/gemini-3.5-flash-lite"));
        assertEquals(3, sim().refused(liteKey));
        assertEquals(openRouterBefore + 2, sim().openRouterAccepted());

        // Gemini native calls cannot go to OpenRouter: 429 with Retry-After, in Google's error shape.
        client().contentType(ContentType.JSON).body(geminiBody("native"))
                .post("/v1beta/models/flash_lite_pool:generateContent").then().statusCode(429)
                .header("Retry-After", notNullValue()).body("error.status", equalTo("RESOURCE_EXHAUSTED"));
        assertEquals(3, sim().refused(liteKey));
    }
}
