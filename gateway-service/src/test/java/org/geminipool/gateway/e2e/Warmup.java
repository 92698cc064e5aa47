package org.geminipool.gateway.e2e;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/**
 * One served request before a test counts calls: on a loaded machine the first lease of a fresh JVM can exceed the
 * gateway's keypool timeout (503 "the key pool … is not reachable"), which is not what the counting tests look at.
 * Bounded: at most 10 tries, half a second apart.
 */
final class Warmup {

    private Warmup() {
    }

    static void untilServed() throws InterruptedException {
        int last = 0;
        for (int i = 0; i < 10; i++) {
            last = given().header("Authorization", "Bearer " + PoolServicesTestResource.CLIENT_TOKEN)
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"flash_lite_pool\",\"messages\":[{\"role\":\"user\",\"content\":\"warm up\"}]}")
                    .post("/v1/chat/completions").statusCode();
            if (last == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the gateway served no warm-up request in 10 tries (last status " + last + ")");
    }
}
