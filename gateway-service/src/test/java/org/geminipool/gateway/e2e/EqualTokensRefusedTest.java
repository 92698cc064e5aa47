package org.geminipool.gateway.e2e;

import org.geminipool.testsupport.ServiceProcess;
import org.geminipool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Design §6: keypool-service and usage-service refuse to start when the admin and internal tokens are equal. */
class EqualTokensRefusedTest {

    @Test
    void keypoolAndUsageRefuseAnAdminTokenEqualToTheInternalToken() throws Exception {
        for (String module : new String[] {"keypool-service", "usage-service"}) {
            String db = "gp_test_gateway_tokens_" + module.substring(0, module.indexOf('-'));
            // The database need not exist: the token check refuses the start before the service would need it.
            Map<String, String> config = new HashMap<>(TestDatabase.quarkusDatasource(db));
            config.put("gemini-pool.db.name", db);
            config.put("gemini-pool.admin-token", "same-token-for-both");
            config.put("gemini-pool.internal-token", "same-token-for-both");
            config.put("gemini-pool.encryption-key", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> ServiceProcess.start(module, config).close());
            Matcher log = Pattern.compile("see (\\S+\\.log)").matcher(refused.getMessage());
            assertTrue(log.find(), refused.getMessage());
            String text = Files.readString(Path.of(log.group(1)));
            assertTrue(text.contains("GEMINI_POOL_ADMIN_TOKEN and GEMINI_POOL_INTERNAL_TOKEN share a token"),
                    module + " log: " + text);
            assertTrue(!text.contains("same-token-for-both"), "the log never shows the token");
        }
    }
}
