package org.geminipool.common.security;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistinctTokensTest {

    private static Map<String, List<String>> tokens(List<String> client, List<String> admin, List<String> internal) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("GEMINI_POOL_CLIENT_TOKENS", client);
        m.put("GEMINI_POOL_ADMIN_TOKEN", admin);
        m.put("GEMINI_POOL_INTERNAL_TOKEN", internal);
        return m;
    }

    @Test
    void distinctTokensPass() {
        assertNull(DistinctTokens.conflict(tokens(List.of("c1", "c2"), List.of("a"), List.of("i"))));
        assertNull(DistinctTokens.conflict(tokens(List.of(), List.of("a"), List.of())), "absent settings are fine");
        assertNull(DistinctTokens.conflict(tokens(List.of("c", "c"), List.of(""), List.of(" "))),
                "a client token twice, blank admin and internal: nothing shared");
    }

    @Test
    void anyTwoEqualAreRefusedNamingTheSettingsNotTheToken() {
        String secret = "s3cr3t-token-value";
        String clientAdmin = DistinctTokens.conflict(tokens(List.of("c1", secret), List.of(secret), List.of("i")));
        assertNotNull(clientAdmin);
        assertTrue(clientAdmin.contains("GEMINI_POOL_CLIENT_TOKENS and GEMINI_POOL_ADMIN_TOKEN"), clientAdmin);
        assertFalse(clientAdmin.contains(secret), "the message never shows a token");
        String adminInternal = DistinctTokens.conflict(tokens(List.of("c"), List.of(secret), List.of(" " + secret)));
        assertNotNull(adminInternal);
        assertTrue(adminInternal.contains("GEMINI_POOL_ADMIN_TOKEN and GEMINI_POOL_INTERNAL_TOKEN"), adminInternal);
        String clientInternal = DistinctTokens.conflict(tokens(List.of(secret), List.of(), List.of(secret)));
        assertTrue(clientInternal.contains("GEMINI_POOL_CLIENT_TOKENS and GEMINI_POOL_INTERNAL_TOKEN"), clientInternal);
    }
}
