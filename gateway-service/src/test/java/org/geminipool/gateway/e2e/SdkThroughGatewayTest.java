package org.geminipool.gateway.e2e;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official {@code openai} and {@code @google/genai} npm SDKs, pointed at the gateway with a client token
 * (src/test/node/sdk-check.mjs). Needs {@code npm ci} in gateway-service/src/test/node; skipped only when node_modules
 * is missing and CI_REQUIRE_NODE is unset — with CI_REQUIRE_NODE set, a missing install fails.
 */
@QuarkusTest
@WithTestResource(PoolServicesTestResource.class)
class SdkThroughGatewayTest extends GatewayTestBase {

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void officialSdksWorkThroughTheGateway() throws Exception {
        Path dir = NodeCheck.installed("node");
        ensureDefaultPools();
        String base = gateway.toString().replaceAll("/$", "");
        String out = NodeCheck.run(dir, 150, "sdk-check.mjs", base, PoolServicesTestResource.CLIENT_TOKEN);
        assertTrue(out.contains(" passed, 0 failed"), out);
    }
}
