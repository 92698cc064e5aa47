package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every client route of design §2 through the gateway, on the built-in routes, with RestAssured. */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class GatewayApiTest extends GatewayTestBase {

    @BeforeEach
    void pools() {
        ensureDefaultPools();
    }

    @Test
    void generateContentThroughTheAliasWithEachTokenForm() {
        String token = PoolServicesTestResource.CLIENT_TOKEN;
        for (var spec : List.of(given().header("Authorization", "Bearer " + token),
                given().header("x-goog-api-key", token), given().queryParam("key", token))) {
            spec.contentType(ContentType.JSON).body(geminiBody("Hello gateway"))
                    .post("/v1beta/models/flash_lite_pool:generateContent")
                    .then().statusCode(200)
                    .header("x-gemini-pool-route", startsWith("bulk/flash-lite:gemini-3.5-flash-lite"))
                    .body("candidates[0].content.parts[0].text", containsString("Hello gateway"))
                    .body("usageMetadata.promptTokenCount", greaterThan(0));
        }
        assertEquals(0, sim().accepted(token) + sim().refused(token), "the client token never reaches Google");
    }

    @Test
    void v1PathsAndDirectModels() {
        client().contentType(ContentType.JSON).body(geminiBody("v1 path"))
                .post("/v1/models/gemini-3.1-flash-lite:generateContent")
                .then().statusCode(200).header("x-gemini-pool-route", equalTo("direct/gemini-3.1-flash-lite"));
    }

    @Test
    void streamGenerateContentInBothForms() {
        Response sse = client().contentType(ContentType.JSON).body(geminiBody("stream me please"))
                .post("/v1beta/models/flash_lite_pool:streamGenerateContent?alt=sse");
        sse.then().statusCode(200).contentType(startsWith("text/event-stream"));
        String body = sse.asString();
        assertTrue(body.split("data: ").length >= 3, body);
        assertTrue(body.contains("finishReason"), body);

        Response array = client().contentType(ContentType.JSON).body(geminiBody("stream me as an array"))
                .post("/v1beta/models/flash_lite_pool:streamGenerateContent");
        array.then().statusCode(200);
        List<Object> chunks = JsonPath.from(array.asString()).getList("$");
        assertTrue(chunks.size() >= 2, array.asString());
    }

    @Test
    void countTokensAndEmbeddings() {
        client().contentType(ContentType.JSON).body(geminiBody("count these tokens"))
                .post("/v1beta/models/flash_lite_pool:countTokens")
                .then().statusCode(200).body("totalTokens", greaterThan(0));
        client().contentType(ContentType.JSON).body("{\"content\":{\"parts\":[{\"text\":\"embed me\"}]}}")
                .post("/v1beta/models/gemini-embedding-001:embedContent")
                .then().statusCode(200).header("x-gemini-pool-route", equalTo("embedding/embedding:gemini-embedding-001"))
                .body("embedding.values.size()", greaterThan(0));
        // The route changes the model; batchEmbedContents' per-request model follows it.
        client().contentType(ContentType.JSON)
                .body("{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"a\"}]}},"
                        + "{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":\"b\"}]}}]}")
                .post("/v1beta/models/gemini-embedding-001:batchEmbedContents")
                .then().statusCode(200).body("embeddings.size()", equalTo(2));
    }

    @Test
    void modelsWithTheRouteAliases() {
        client().get("/v1beta/models").then().statusCode(200)
                .body("models.name", hasItem("models/flash_lite_pool"))
                .body("models.name", hasItem("models/gemini-3.8-flash"));
        client().get("/v1beta/models/flash_lite_pool").then().statusCode(200).body("name", equalTo("models/flash_lite_pool"));
        client().get("/v1beta/models/gemini-3.1-pro-preview").then().statusCode(200).body("name", equalTo("models/gemini-3.1-pro-preview"));
        long before = upstreamCalls();
        client().get("/v1beta/models").then().statusCode(200);
        assertEquals(before, upstreamCalls(), "a second list within the cache TTL costs no upstream call");
        client().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list")).body("data.id", hasItem("flash_lite_pool"));
        client().get("/v1/models/flash_lite_pool").then().statusCode(200).body("id", equalTo("flash_lite_pool"));
    }

    @Test
    void openAiChatEmbeddingsAndModels() {
        client().contentType(ContentType.JSON).body(chatBody("flash_lite_pool", "Hello OpenAI route", false))
                .post("/v1/chat/completions")
                .then().statusCode(200).header("x-gemini-pool-route", startsWith("bulk/flash-lite:"))
                .body("object", equalTo("chat.completion")).body("choices[0].message.content", notNullValue())
                .body("usage.prompt_tokens", greaterThan(0));
        Response stream = client().contentType(ContentType.JSON)
                .body("{\"model\":\"flash_lite_pool\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"stream it\"}]}")
                .post("/v1/chat/completions");
        stream.then().statusCode(200).contentType(startsWith("text/event-stream"));
        assertTrue(stream.asString().trim().endsWith("data: [DONE]"), stream.asString());
        client().contentType(ContentType.JSON).body("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}")
                .post("/v1/embeddings").then().statusCode(200)
                .header("x-gemini-pool-route", equalTo("embedding/embedding:gemini-embedding-001"))
                .body("data.size()", equalTo(2));
        // Google's own base path works too, for clients configured with it.
        client().contentType(ContentType.JSON).body(chatBody("gemini-3.1-flash-lite", "google path", false))
                .post("/v1beta/openai/chat/completions").then().statusCode(200);
    }

    @Test
    void clientErrorsFromUpstreamComeBackInTheRoutesProtocol() {
        // Google rejects the unknown field with 400 INVALID_ARGUMENT: the client's fault, returned as is.
        client().contentType(ContentType.JSON)
                .body("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"bogusField\":1}")
                .post("/v1beta/models/flash_lite_pool:generateContent")
                .then().statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"));
        client().contentType(ContentType.JSON)
                .body("{\"model\":\"flash_lite_pool\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}")
                .post("/v1/chat/completions")
                .then().statusCode(400).body("error.message", notNullValue()).body("error.type", equalTo("invalid_request_error"));
    }
}
