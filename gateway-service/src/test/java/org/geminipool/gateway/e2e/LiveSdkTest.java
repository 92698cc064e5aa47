package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.simulator.KeyStatus;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official {@code @google/genai} SDK's {@code ai.live.connect} through the gateway (src/test/node/live-check.mjs):
 * text in and out, an audio chunk, a resumed session, an ephemeral token minted through the pool; then the sessions'
 * usage in usage-service, with tokens. Needs {@code npm ci} in src/test/node (see {@link NodeCheck}).
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class LiveSdkTest extends GatewayTestBase {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void theGenaiSdkLiveApiWorksThroughThePool() throws Exception {
        String pool = unique("live-sdk");
        String project = unique("live-sdk-p");
        String key = newKey();
        String keyId = addKey(key, project, KeyStatus.VALID, pool);
        try {
            check(pool, keyId);
        } finally {
            LiveSessionsTest.disableKey(keyId); // a pool the routes do not declare: other classes' direct calls stay off
        }
    }

    private void check(String pool, String keyId) throws Exception {
        Path dir = NodeCheck.installed("node");
        useRoutes("routes:\n  - name: live\n    match: { models: [live_sdk] }\n    targets: [ { pool: " + pool
                + ", model: " + LiveSessionsTest.LIVE_MODEL + " } ]\n");
        String base = gateway.toString().replaceAll("/$", "");
        String out = NodeCheck.run(dir, 150, "live-check.mjs", base, PoolServicesTestResource.CLIENT_TOKEN, "live_sdk");
        assertTrue(out.contains(" passed, 0 failed"), out);

        awaitUsageShipped();
        long requests = 0;
        long prompt = 0;
        for (Map<String, Object> row : usageDaily(pacificToday())) {
            if (keyId.equals(String.valueOf(row.get("keyId"))) && LiveSessionsTest.LIVE_MODEL.equals(row.get("model"))) {
                requests += number(row, "requests");
                prompt += number(row, "promptTokens");
            }
        }
        // one usage event per session on this key: text, audio, the two of the resumption (and the ephemeral token's
        // session when the token was minted on this key's project, the only one here unless other tests left keys)
        assertTrue(requests == 4 || requests == 5, "usage events of the sessions: " + requests);
        assertTrue(prompt > 0, "tokens of the sessions' usageMetadata");
    }
}
