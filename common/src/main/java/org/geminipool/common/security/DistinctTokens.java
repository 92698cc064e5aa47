package org.geminipool.common.security;

import org.geminipool.contract.TokenCheck;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Design §6: client tokens, the admin token and the internal token are distinct. A service refuses to start when any
 * two of those it is configured with are equal (a client token that is also the admin token would open the admin API
 * and the console to every client; an admin token equal to the internal token would let every service act as admin).
 * Runs in every service that includes this module; each checks the tokens it has.
 */
@ApplicationScoped
public class DistinctTokens {

    @ConfigProperty(name = "gemini-pool.client-tokens")
    Optional<String> clientTokens;

    @ConfigProperty(name = "gemini-pool.admin-token")
    Optional<String> adminToken;

    @ConfigProperty(name = "gemini-pool.internal-token")
    Optional<String> internalToken;

    void onStart(@Observes StartupEvent event) {
        Map<String, List<String>> tokens = new LinkedHashMap<>();
        tokens.put("GEMINI_POOL_CLIENT_TOKENS", clientTokens.map(s -> Arrays.asList(s.split(","))).orElse(List.of()));
        tokens.put("GEMINI_POOL_ADMIN_TOKEN", adminToken.map(List::of).orElse(List.of()));
        tokens.put("GEMINI_POOL_INTERNAL_TOKEN", internalToken.map(List::of).orElse(List.of()));
        String conflict = conflict(tokens);
        if (conflict != null) {
            throw new IllegalStateException(conflict);
        }
    }

    /**
     * Null when no token of one setting equals a token of another (blank values ignored, compared trimmed);
     * otherwise the message to refuse the start with, naming the settings but never a token.
     */
    public static String conflict(Map<String, List<String>> tokensBySetting) {
        List<String> settings = new ArrayList<>(tokensBySetting.keySet());
        for (int i = 0; i < settings.size(); i++) {
            for (int j = i + 1; j < settings.size(); j++) {
                for (String a : tokensBySetting.get(settings.get(i))) {
                    for (String b : tokensBySetting.get(settings.get(j))) {
                        if (a != null && b != null && !a.isBlank() && TokenCheck.matches(a.trim(), b.trim())) {
                            return settings.get(i) + " and " + settings.get(j) + " share a token: client, admin and"
                                    + " internal tokens must all be different (design §6); set distinct values";
                        }
                    }
                }
            }
        }
        return null;
    }
}
