package org.geminipool.simulator;

import io.restassured.response.Response;
import org.geminipool.simulator.internal.SimState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keys of every kind and the key and project states of 2026, each answered with Google's body byte for byte
 * (gemini-api-2026.md §2, §3), natively and array-wrapped on the OpenAI-compatible routes.
 */
class KeyAndProjectStatesTest extends SimTestBase {

    private static final String GENERATE = "/v1beta/models/gemini-3.8-flash:generateContent";
    private static final String CHAT = "/v1beta/openai/chat/completions";
    private static final String CHAT_BODY = "{\"model\":\"gemini-3.8-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static Response generate(String key) {
        return json(userText("hi")).header("x-goog-api-key", key).post(GENERATE);
    }

    private static String keyWith(KeyStatus status, String project) {
        String k = fakeAuthKey();
        sim.addKey(k, project, status);
        return k;
    }

    private static String apiKeyInvalid(String message) {
        return "{\"error\":{\"code\":400,\"message\":\"" + message + "\",\"status\":\"INVALID_ARGUMENT\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":"
                + "\"googleapis.com\",\"metadata\":{\"service\":\"generativelanguage.googleapis.com\"}},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.LocalizedMessage\",\"locale\":\"en-US\",\"message\":\""
                + message + "\"}]}}";
    }

    @Test
    void keysOfEveryKindServeOnceRegistered() {
        String aq = fakeAuthKey();
        String iq = "IQ." + fakeAuthKey().substring(3);
        String odd = "any-string-at-all_42";
        for (String k : new String[] {aq, iq, odd, fakeKey()}) {
            sim.addKey(k, "kinds", KeyStatus.VALID);
            assertEquals(200, generate(k).statusCode(), k.substring(0, 3));
            assertEquals(200, json(CHAT_BODY).header("Authorization", "Bearer " + k).post(CHAT).statusCode());
        }
        assertEquals(8, sim.accepted("kinds", "gemini-3.8-flash"));
        assertBody(apiKeyInvalid("API key not valid. Please pass a valid API key."), generate(fakeAuthKey()).asString());
    }

    @Test
    void notFoundKeyIs400ApiKeyInvalid() {
        String k = keyWith(KeyStatus.NOT_FOUND, "p1");
        Response r = generate(k);
        assertEquals(400, r.statusCode());
        assertBody(apiKeyInvalid("API Key not found. Please pass a valid API key."), r.asString());
        assertEquals(1, sim.refused(k));
    }

    @Test
    void expiredKeyIs400ApiKeyInvalid() {
        String k = keyWith(KeyStatus.EXPIRED, "p1");
        Response r = api().header("x-goog-api-key", k).get("/v1beta/models");
        assertEquals(400, r.statusCode(), "models.list too: every route checks the key");
        assertBody(apiKeyInvalid("API key expired. Please renew the API key."), r.asString());
    }

    @Test
    void leakedKeyIs403WithoutDetails() {
        String k = keyWith(KeyStatus.LEAKED, "p1");
        Response r = generate(k);
        assertEquals(403, r.statusCode());
        assertBody("{\"error\":{\"code\":403,\"message\":\"Your API key was reported as leaked. Please use another API "
                + "key.\",\"status\":\"PERMISSION_DENIED\"}}", r.asString());
        Response compat = json(CHAT_BODY).header("Authorization", "Bearer " + k).post(CHAT);
        assertEquals(403, compat.statusCode());
        assertBody("[{\"error\":{\"code\":403,\"message\":\"Your API key was reported as leaked. Please use another API "
                + "key.\",\"status\":\"PERMISSION_DENIED\"}}]", compat.asString());
    }

    @Test
    void serviceBlockedKeyIs403NamingTheMethod() {
        String k = keyWith(KeyStatus.SERVICE_BLOCKED, "blocked-project");
        Response r = json(userText("hi")).header("x-goog-api-key", k)
                .post("/v1beta/models/gemini-3.8-flash:streamGenerateContent?alt=sse");
        assertEquals(403, r.statusCode());
        String method = "google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent";
        String message = "Requests to this API generativelanguage.googleapis.com method " + method + " are blocked.";
        assertBody("{\"error\":{\"code\":403,\"message\":\"" + message + "\",\"status\":\"PERMISSION_DENIED\",\"details\":["
                + "{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_SERVICE_BLOCKED\","
                + "\"domain\":\"googleapis.com\",\"metadata\":{\"consumer\":\"projects/"
                + SimState.projectNumber("blocked-project") + "\",\"service\":\"generativelanguage.googleapis.com\","
                + "\"apiName\":\"generativelanguage.googleapis.com\",\"methodName\":\"" + method + "\"}},"
                + "{\"@type\":\"type.googleapis.com/google.rpc.LocalizedMessage\",\"locale\":\"en-US\",\"message\":\""
                + message + "\"}]}}", r.asString());
        api().header("x-goog-api-key", k).get("/v1beta/models").then().statusCode(403)
                .body("error.details[0].metadata.methodName",
                        org.hamcrest.Matchers.equalTo("google.ai.generativelanguage.v1beta.ModelService.ListModels"));
    }

    @Test
    void refusedKeyKindIs401AccessTokenTypeUnsupported() {
        String k = keyWith(KeyStatus.TOKEN_TYPE_UNSUPPORTED, "p1");
        Response r = generate(k);
        assertEquals(401, r.statusCode());
        assertBody("""
                {"error":{"code":401,"message":"Request had invalid authentication credentials. Expected OAuth 2 access \
                token, login cookie or other valid authentication credential. See \
                https://developers.google.com/identity/sign-in/web/devconsole-project.","status":"UNAUTHENTICATED",\
                "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_TYPE_UNSUPPORTED",\
                "domain":"googleapis.com","metadata":{"method":\
                "google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent",\
                "service":"generativelanguage.googleapis.com"}}]}}""", r.asString());
        json(CHAT_BODY).header("Authorization", "Bearer " + k).post(CHAT).then().statusCode(401)
                .body("[0].error.details[0].reason", org.hamcrest.Matchers.equalTo("ACCESS_TOKEN_TYPE_UNSUPPORTED"));
    }

    @Test
    void deniedProjectIs403ForEveryKeyAndRoute() {
        String a = validKey("denied");
        String b = validKey("denied");
        String other = validKey("fine");
        sim.setProjectDenied("denied");
        String expected = "{\"error\":{\"code\":403,\"message\":\"Your project has been denied access. Please contact "
                + "support.\",\"status\":\"PERMISSION_DENIED\"}}";
        assertBody(expected, generate(a).asString());
        assertBody(expected, api().header("x-goog-api-key", b).get("/v1beta/models").asString());
        assertBody("[" + expected + "]", json(CHAT_BODY).header("Authorization", "Bearer " + b).post(CHAT).asString());
        assertEquals(200, generate(other).statusCode());
        assertEquals(0, sim.accepted("denied", "gemini-3.8-flash"));
        json("{\"denied\":false}").put("/_sim/projects/denied/denied").then().statusCode(204);
        assertEquals(200, generate(a).statusCode());
    }

    @Test
    void depletedPrepayIs429WithoutDetailsAndModelsListStaysFree() {
        String k = validKey("prepaid");
        sim.setProjectTier("prepaid", ProjectTier.PAID);
        sim.setPrepayDepleted("prepaid", true);
        Response r = generate(k);
        assertEquals(429, r.statusCode());
        assertBody("{\"error\":{\"code\":429,\"message\":\"Your prepayment credits are depleted. Please go to AI Studio "
                + "at https://ai.studio/projects to manage your project and billing. Learn more at "
                + "https://ai.google.dev/gemini-api/docs/billing#prepay. \",\"status\":\"RESOURCE_EXHAUSTED\"}}",
                r.asString());
        assertEquals(0, sim.used("prepaid", "gemini-3.8-flash")[0], "the refusal consumed nothing");
        assertEquals(1, sim.refused("prepaid", "gemini-3.8-flash"));
        assertEquals(200, api().header("x-goog-api-key", k).get("/v1beta/models").statusCode());
        assertEquals(200, json(userText("hi")).header("x-goog-api-key", k)
                .post("/v1beta/models/gemini-3.8-flash:countTokens").statusCode());
        json(CHAT_BODY).header("Authorization", "Bearer " + k).post(CHAT).then().statusCode(429)
                .body("[0].error.message", org.hamcrest.Matchers.startsWith("Your prepayment credits are depleted."));
        json("{\"depleted\":false}").put("/_sim/projects/prepaid/prepay-depleted").then().statusCode(204);
        assertEquals(200, generate(k).statusCode());
    }

    @Test
    void unsupportedLocationIs400OnEveryRouteWhateverTheKey() {
        String k = validKey("p1");
        sim.setLocationUnsupported(true);
        String expected = "{\"error\":{\"code\":400,\"message\":\"User location is not supported for the API use.\","
                + "\"status\":\"FAILED_PRECONDITION\"}}";
        assertBody(expected, generate(k).asString());
        assertBody(expected, api().header("x-goog-api-key", k).get("/v1beta/models").asString());
        assertBody(expected, api().header("x-goog-api-key", k).get("/v1beta/models/gemini-3.8-flash").asString());
        assertBody(expected, json(userText("hi")).header("x-goog-api-key", k)
                .post("/v1beta/models/gemini-3.8-flash:countTokens").asString());
        assertBody(expected, json("{\"content\":{\"parts\":[{\"text\":\"x\"}]}}").header("x-goog-api-key", k)
                .post("/v1beta/models/gemini-embedding-2:embedContent").asString());
        assertBody(expected, generate(fakeAuthKey()).asString());
        assertBody(expected, json(userText("hi")).post(GENERATE).asString());
        assertBody("[" + expected + "]", json(CHAT_BODY).header("Authorization", "Bearer " + k).post(CHAT).asString());
        assertBody("[" + expected + "]", api().header("Authorization", "Bearer " + k).get("/v1beta/openai/models")
                .asString());
        assertEquals(0, sim.accepted("p1", "gemini-3.8-flash"));
        json("{\"unsupported\":false}").put("/_sim/location-unsupported").then().statusCode(204);
        assertEquals(200, generate(k).statusCode());
    }

    @Test
    void statesAreSetThroughTheAdminApiToo() {
        String k = fakeAuthKey();
        json("{\"apiKey\":\"" + k + "\",\"project\":\"adm\",\"status\":\"leaked\"}").post("/_sim/keys").then()
                .statusCode(204);
        assertEquals(403, generate(k).statusCode());
        json("{\"apiKey\":\"" + k + "\",\"status\":\"NOPE\"}").post("/_sim/keys/status").then().statusCode(400);
        json("{\"apiKey\":\"" + k + "\",\"status\":\"VALID\"}").post("/_sim/keys/status").then().statusCode(204);
        json("{\"denied\":true}").put("/_sim/projects/adm/denied").then().statusCode(204);
        assertEquals(403, generate(k).statusCode());
        json("{\"denied\":\"yes\"}").put("/_sim/projects/adm/denied").then().statusCode(400);
        json("{\"unsupported\":true}").put("/_sim/location-unsupported").then().statusCode(204);
        api().get("/_sim/state").then().body("projects.denied", org.hamcrest.Matchers.hasItem("adm"))
                .body("projects.locationUnsupported", org.hamcrest.Matchers.equalTo(true));
        json("{\"tier\":\"PAID\"}").put("/_sim/projects/adm/tier").then().statusCode(204);
        json("{\"tier\":\"GOLD\"}").put("/_sim/projects/adm/tier").then().statusCode(400);
        api().get("/_sim/state").then().body("projects.tiers.adm", org.hamcrest.Matchers.equalTo("PAID"));
    }
}
