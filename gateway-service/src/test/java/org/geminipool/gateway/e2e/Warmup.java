package org.geminipool.gateway.e2e;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/**
 * One served request before a test counts calls: on a loaded machine the first lease of a fresh JVM can exceed the
 * gateway's keypool timeout (503 "the key pool … is not reachable"), which is not what the counting tests look at.
 * Bounded: at most 10 tries, half a second apart. {@link #untilServed(String)} does the same for a model that only
 * some projects serve (gemini-2.5-flash is closed to new projects): each refused try teaches the keypool which
 * projects cannot serve it, so after a few tries direct requests reach a legacy project's key.
 */
final class Warmup {

    private Warmup() {
    }

    static void untilServed() throws InterruptedException {
        untilServed("flash_lite_pool", 10);
    }

    static void untilServed(String model) throws InterruptedException {
        untilServed(model, 30);
    }

    private static void untilServed(String model, int tries) throws InterruptedException {
        int last = 0;
        for (int i = 0; i < tries; i++) {
            last = given().header("Authorization", "Bearer " + PoolServicesTestResource.CLIENT_TOKEN)
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"warm up\"}]}")
                    .post("/v1/chat/completions").statusCode();
            if (last == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the gateway served no warm-up request for " + model + " in " + tries
                + " tries (last status " + last + ")");
    }
}
