package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The 2026 quota rules (gemini-api-2026.md §1.4, §3): per-tier family limits as data, three windows (RPM, RPD, input
 * TPM), buckets per (project, quota model), and the 429 bodies byte for byte.
 */
class Quota2026Test extends SimTestBase {

    private static final String LITE = "/v1beta/models/gemini-3.5-flash-lite:generateContent";
    private static final String HEAD = "You exceeded your current quota, please check your plan and billing details. "
            + "For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
            + "To monitor your current usage, head to: https://ai.dev/rate-limit. ";
    private static final String HELP = "{\"@type\":\"type.googleapis.com/google.rpc.Help\",\"links\":[{\"description\":"
            + "\"Learn more about Gemini API quotas\",\"url\":\"https://ai.google.dev/gemini-api/docs/rate-limits\"}]}";
    private static final String RETRY = "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"<N>s\"}";
    private static final String FREE_REQUESTS = "generativelanguage.googleapis.com/generate_content_free_tier_requests";
    private static final String FREE_TOKENS = "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count";

    /** The whole 429 body: message lines (each "\\n* Quota exceeded …"), then the violations' JSON. */
    private static String body429(String messageLines, String violations) {
        return "{\"error\":{\"code\":429,\"message\":\"" + HEAD + messageLines + "\\nPlease retry in <X>s.\","
                + "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[" + HELP + ",{\"@type\":"
                + "\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[" + violations + "]}," + RETRY + "]}}";
    }

    private static String line(String metric, int limit, String model) {
        return "\\n* Quota exceeded for metric: " + metric + ", limit: " + limit + ", model: " + model;
    }

    private static String violation(String metric, String quotaId, String model, int limit) {
        return "{\"quotaMetric\":\"" + metric + "\",\"quotaId\":\"" + quotaId + "\",\"quotaDimensions\":{\"location\":"
                + "\"global\",\"model\":\"" + model + "\"}" + (limit > 0 ? ",\"quotaValue\":\"" + limit + "\"" : "") + "}";
    }

    private static Response generate(String key, String path, String text) {
        return json(userText(text)).header("x-goog-api-key", key).post(path);
    }

    /** A prompt of exactly {@code tokens} simulator tokens (4 characters each). */
    private static String promptOf(int tokens) {
        return "abcd".repeat(tokens);
    }

    @Test
    void perMinute429OfAFreeProjectIsGoogles2026BodyAndConsumesNothing() {
        String key = validKey("p1");
        alignToPacificNoon();
        for (int i = 0; i < 15; i++) {
            assertEquals(200, generate(key, LITE, "q").statusCode(), "request " + (i + 1) + " of flash-lite's 15 RPM");
        }
        Response r = generate(key, LITE, "q");
        assertEquals(429, r.statusCode());
        assertBody(body429(line(FREE_REQUESTS, 15, "gemini-3.5-flash-lite"),
                violation(FREE_REQUESTS, "GenerateRequestsPerMinutePerProjectPerModel-FreeTier", "gemini-3.5-flash-lite", 15)),
                r.asString());
        assertEquals(15, sim.used("p1", "gemini-3.5-flash-lite")[0], "the 429 consumed nothing");
        assertEquals(15, sim.used("p1", "gemini-3.5-flash-lite")[1]);
        assertEquals(1, sim.refused("p1", "gemini-3.5-flash-lite"));
    }

    @Test
    void perDay429CarriesThePerDayQuotaId() {
        String key = validKey("p1");
        alignToPacificNoon();
        sim.exhaustDay("p1", "gemini-3.8-flash");
        Response r = generate(key, "/v1beta/models/gemini-3.8-flash:generateContent", "q");
        assertEquals(429, r.statusCode());
        assertBody(body429(line(FREE_REQUESTS, 250, "gemini-3.8-flash"),
                violation(FREE_REQUESTS, "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "gemini-3.8-flash", 250)),
                r.asString());
    }

    @Test
    void inputTokensPerMinuteAreAThirdWindow() {
        String key = validKey("p1");
        sim.setDefaultQuota("gemini-3.5-flash-lite", 15, 1000, 100);
        alignToPacificNoon();
        assertEquals(200, generate(key, LITE, promptOf(60)).statusCode());
        assertEquals(60, sim.used("p1", "gemini-3.5-flash-lite")[2], "the prompt's tokens are counted");
        Response r = generate(key, LITE, promptOf(60));
        assertEquals(429, r.statusCode(), "60 + 60 input tokens exceed 100 per minute");
        assertBody(body429(line(FREE_TOKENS, 100, "gemini-3.5-flash-lite"),
                violation(FREE_TOKENS, "GenerateContentInputTokensPerModelPerMinute-FreeTier", "gemini-3.5-flash-lite", 100)),
                r.asString());
        assertEquals(200, generate(key, LITE, promptOf(30)).statusCode(), "a short prompt still fits");
        assertEquals(new int[] {2, 2, 90}[2], sim.used("p1", "gemini-3.5-flash-lite")[2]);
        sim.advanceClock(Duration.ofSeconds(60));
        assertEquals(200, generate(key, LITE, promptOf(60)).statusCode(), "a new minute has a fresh token window");
    }

    @Test
    void limitZeroOfAModelWithoutFreeTierIsTheExactShapeOf2026() {
        // gemini-api-2026.md §1.4: a free key on pro gets 429 with limit 0 and no quotaValue, several violations, and
        // the family quota model gemini-3.1-pro for the preview ID.
        String key = validKey("free");
        Response r = generate(key, "/v1beta/models/gemini-3.1-pro-preview:generateContent", "hello");
        assertEquals(429, r.statusCode());
        assertBody("""
                {"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing \
                details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. \
                To monitor your current usage, head to: https://ai.dev/rate-limit. \\n* Quota exceeded for metric: \
                generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-3.1-pro\
                \\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_input_token_count, \
                limit: 0, model: gemini-3.1-pro\\nPlease retry in <X>s.","status":"RESOURCE_EXHAUSTED","details":[\
                {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Learn more about Gemini API \
                quotas","url":"https://ai.google.dev/gemini-api/docs/rate-limits"}]},\
                {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[\
                {"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests",\
                "quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier","quotaDimensions":{"location":"global",\
                "model":"gemini-3.1-pro"}},\
                {"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests",\
                "quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier","quotaDimensions":{"location":"global",\
                "model":"gemini-3.1-pro"}},\
                {"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",\
                "quotaId":"GenerateContentInputTokensPerModelPerMinute-FreeTier","quotaDimensions":{"location":"global",\
                "model":"gemini-3.1-pro"}}]},\
                {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"<N>s"}]}}""", r.asString());
        assertEquals(0, sim.accepted("free", "gemini-3.1-pro-preview"));
        assertEquals(1, sim.refused("free", "gemini-3.1-pro"));
    }

    @Test
    void paidProjectsHaveThePaidTableAndQuotaIdsWithoutTheFreeTierSuffix() {
        String paid = validKey("paid");
        sim.setProjectTier("paid", ProjectTier.PAID);
        alignToPacificNoon();
        // pro has no free tier but serves a paid project at the paid defaults
        for (int i = 0; i < 20; i++) {
            assertEquals(200, generate(paid, "/v1beta/models/gemini-3.1-pro-preview:generateContent", "q").statusCode());
        }
        sim.setTierQuota(ProjectTier.PAID, "gemini-3.8-flash", 1, 10_000, 2_000_000);
        String flash = "/v1beta/models/gemini-3.8-flash:generateContent";
        assertEquals(200, generate(paid, flash, "q").statusCode());
        Response minute = generate(paid, flash, "q");
        assertEquals(429, minute.statusCode());
        assertBody(body429(line("generativelanguage.googleapis.com/generate_requests_per_model", 1, "gemini-3.8-flash"),
                violation("generativelanguage.googleapis.com/generate_requests_per_model",
                        "GenerateRequestsPerMinutePerProjectPerModel", "gemini-3.8-flash", 1)), minute.asString());
        sim.exhaustDay("paid", "gemini-3.8-flash");
        sim.advanceClock(Duration.ofSeconds(60));
        Response day = generate(paid, flash, "q");
        assertBody(body429(line("generativelanguage.googleapis.com/generate_requests_per_model_per_day", 10_000,
                        "gemini-3.8-flash"),
                violation("generativelanguage.googleapis.com/generate_requests_per_model_per_day",
                        "GenerateRequestsPerDayPerProjectPerModel", "gemini-3.8-flash", 10_000)), day.asString());
        String tokens = validKey("paid-tokens");
        sim.setProjectTier("paid-tokens", ProjectTier.PAID);
        sim.setProjectQuota("paid-tokens", "gemini-3.6-flash", 1000, 10_000, 10);
        Response tpm = generate(tokens, "/v1beta/models/gemini-3.6-flash:generateContent", promptOf(11));
        assertEquals(429, tpm.statusCode(), "11 input tokens exceed the project's 10 per minute at once");
        assertBody(body429(line("generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count", 10,
                        "gemini-3.6-flash"),
                violation("generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count",
                        "GenerateContentPaidTierInputTokensPerModelPerMinute", "gemini-3.6-flash", 10)), tpm.asString());
    }

    @Test
    void freeAndPaidDefaultsAreThePublishedTablesAsData() {
        String state = api().get("/_sim/state").then().statusCode(200).extract().asString();
        JsonPath s = new JsonPath(state);
        String free = io.vertx.core.json.Json.encode(s.getMap("familyQuotas.FREE"));
        assertEquals(new io.vertx.core.json.JsonObject("""
                {"flash-lite":{"rpm":15,"rpd":1000,"tpm":250000},"flash":{"rpm":10,"rpd":250,"tpm":250000},\
                "pro":{"rpm":0,"rpd":0,"tpm":0},"image":{"rpm":0,"rpd":0,"tpm":0},\
                "embedding":{"rpm":100,"rpd":1000,"tpm":30000},"tts":{"rpm":3,"rpd":15,"tpm":10000},\
                "live":{"rpm":0,"rpd":0,"tpm":0},"gemma":{"rpm":30,"rpd":14400,"tpm":15000},"video":{"rpm":0,"rpd":0,"tpm":0},\
                "other":{"rpm":0,"rpd":0,"tpm":0}}""").getMap(), new io.vertx.core.json.JsonObject(free).getMap());
        assertEquals(1000, s.getInt("familyQuotas.PAID.image.rpm"));
        assertEquals(2_000_000, s.getInt("familyQuotas.PAID.flash.tpm"));
        assertEquals(10, s.getInt("defaultQuotas.'gemini-3.8-flash'.rpm"));
        assertEquals(0, s.getInt("defaultQuotas.'gemini-3.1-pro'.rpd"), "listed under the quota model");
        // behaviour follows the table: TTS has 3 RPM on the free tier
        String key = validKey("p1");
        alignToPacificNoon();
        String tts = "/v1beta/models/gemini-3.1-flash-tts-preview:generateContent";
        for (int i = 0; i < 3; i++) {
            assertEquals(200, generate(key, tts, "say hi").statusCode());
        }
        assertEquals(429, generate(key, tts, "say hi").statusCode());
        // an edited family row applies to every model of the family
        sim.setFamilyQuota(ProjectTier.FREE, "tts", 5, 15, 10_000);
        assertEquals(200, generate(key, tts, "say hi").statusCode());
        json("{\"tier\":\"FREE\",\"rpm\":0,\"rpd\":0,\"tpm\":0}").put("/_sim/families/flash-lite/quotas").then()
                .statusCode(204);
        generate(key, LITE, "q").then().statusCode(429).body("error.message",
                org.hamcrest.Matchers.containsString("limit: 0, model: gemini-3.5-flash-lite"));
        json("{\"rpm\":1,\"rpd\":1,\"tpm\":1}").put("/_sim/families/nope/quotas").then().statusCode(400);
    }

    @Test
    void modelIdsSharingAQuotaModelShareItsBucket() {
        String key = validKey("p1");
        sim.setDefaultQuota("gemini-3.1-pro-preview", 2, 100);
        alignToPacificNoon();
        assertEquals("gemini-3.1-pro", sim.quotaModel("gemini-3.1-pro-preview-customtools"));
        assertEquals("gemini-3.1-pro", sim.quotaModel("gemini-pro-latest"), "an alias counts on its target's");
        assertEquals(200, generate(key, "/v1beta/models/gemini-3.1-pro-preview:generateContent", "q").statusCode());
        assertEquals(200, generate(key, "/v1beta/models/gemini-3.1-pro-preview-customtools:generateContent", "q")
                .statusCode());
        generate(key, "/v1beta/models/gemini-pro-latest:generateContent", "q").then().statusCode(429)
                .body("error.details[1].violations[0].quotaDimensions.model", equalTo("gemini-3.1-pro"))
                .body("error.details[1].violations[0].quotaValue", equalTo("2"));
        assertEquals(2, sim.accepted("p1", "gemini-3.1-pro-preview-customtools"));
        assertEquals(2, sim.used("p1", "gemini-pro-latest")[0]);
        // another model can be put on the same quota model
        sim.setQuotaModel("gemini-4-argon", "gemini-3.1-pro");
        generate(key, "/v1beta/models/gemini-4-argon:generateContent", "q").then().statusCode(429);
        json("{\"quotaModel\":\"gemini-4-argon\"}").put("/_sim/models/gemini-4-argon/quota-model").then().statusCode(204);
        sim.setDefaultQuota("gemini-4-argon", 5, 100);
        assertEquals(200, generate(key, "/v1beta/models/gemini-4-argon:generateContent", "q").statusCode());
        json("{\"quotaModel\":\"x\"}").put("/_sim/models/gemini-pro-latest/quota-model").then().statusCode(400);
    }

    @Test
    void theTwoArgumentOverloadsKeepOrLiftTheTokenLimit() {
        String key = validKey("p1");
        alignToPacificNoon();
        sim.setDefaultQuota("gemini-3.5-flash-lite", 100, 1000);
        assertEquals(250_000, new JsonPath(api().get("/_sim/state").asString())
                .getInt("defaultQuotas.'gemini-3.5-flash-lite'.tpm"), "RPM/RPD only: the TPM stays");
        sim.setProjectQuota("p1", "gemini-3-pro-image", 10, 100);
        assertEquals(200, generate(key, "/v1beta/models/gemini-3-pro-image:generateContent", "a cat").statusCode(),
                "giving a no-free-tier model requests gives it tokens too");
        sim.setDefaultQuota("my-test-model", 1, 5);
        assertEquals(200, generate(key, "/v1beta/models/my-test-model:generateContent", "q").statusCode(),
                "a model unknown to the catalogue becomes a served model");
        assertEquals(429, generate(key, "/v1beta/models/my-test-model:generateContent", "q").statusCode());
    }
}
