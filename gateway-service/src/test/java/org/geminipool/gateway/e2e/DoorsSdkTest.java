package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two translated front doors (issue 20) driven by the official clients: {@code openai}'s responses.create (plain,
 * stream, a function-call round trip, previous_response_id chains, retrieve), {@code @ai-sdk/openai}'s default
 * provider (which calls /v1/responses), and {@code @anthropic-ai/sdk}'s messages.create (plain, stream, tool use whose
 * Gemini 3 thought signature must survive the second turn, thinking, count_tokens), plus a request shaped like Claude
 * Code's (src/test/node-doors/doors-check.mjs). Needs {@code npm ci} in gateway-service/src/test/node-doors; skipped
 * only when node_modules is missing and CI_REQUIRE_NODE is unset.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class DoorsSdkTest extends GatewayTestBase {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void responsesAndMessagesDoorsServeTheOfficialSdks() throws Exception {
        Path dir = NodeCheck.installed("node-doors");
        ensureDefaultPools();
        String base = gateway.toString().replaceAll("/$", "");
        String out = NodeCheck.run(dir, 170, "doors-check.mjs", base, PoolServicesTestResource.CLIENT_TOKEN);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }
}
