package org.geminipool.simulator;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Function calls, and Gemini 3's thought signatures demanded back as Google demands them. */
class FunctionCallingTest extends SimTestBase {

    private static final String TOOLS = "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\","
            + "\"parametersJsonSchema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"]}}]}]";

    private static String ask(String text) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]," + TOOLS + "}";
    }

    private static String secondTurn(String signaturePart) {
        return "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"call get_weather\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"city\":\"x\"}}"
                + signaturePart + "}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"t\":1}}}]}],"
                + TOOLS + "}";
    }

    @Test
    void gemini3CallsANamedFunctionWithASignature() {
        String key = validKey("fc1");
        JsonPath a = json(ask("please call get_weather")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200).extract().jsonPath();
        assertNotNull(a.getString("candidates[0].content.parts.find { it.functionCall }.thoughtSignature"));
        org.junit.jupiter.api.Assertions.assertEquals("simulated",
                a.getString("candidates[0].content.parts.find { it.functionCall }.functionCall.args.city"));
        // Without the function's name, the model answers in text.
        JsonPath b = json(ask("hello there")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200).extract().jsonPath();
        assertNull(b.get("candidates[0].content.parts.find { it.functionCall }"));
    }

    @Test
    void aSecondTurnWithoutTheSignatureIsRefusedLikeGoogleRefusesIt() {
        String key = validKey("fc2");
        json(secondTurn("")).header("x-goog-api-key", key).post("/v1beta/models/gemini-3.8-flash:generateContent")
                .then().statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", containsString("thought_signature"));
        String signature = json(ask("call get_weather")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200).extract().jsonPath()
                .getString("candidates[0].content.parts.find { it.functionCall }.thoughtSignature");
        json(secondTurn(",\"thoughtSignature\":\"" + signature + "\"")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200)
                .body("candidates[0].content.parts[0].text", containsString("Simulated reply"));
        // Google's documented dummy is accepted.
        json(secondTurn(",\"thoughtSignature\":\"skip_thought_signature_validator\"")).header("x-goog-api-key", key)
                .post("/v1beta/models/gemini-3.8-flash:generateContent").then().statusCode(200);
    }
}
