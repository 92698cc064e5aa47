package org.geminipool.gateway.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;

/** Design §10: the gateway refuses to start without at least one client token. */
@ApplicationScoped
public class ClientTokensCheck {

    @ConfigProperty(name = "gemini-pool.client-tokens", defaultValue = "")
    String clientTokens;

    void onStart(@Observes StartupEvent event) {
        boolean any = Arrays.stream(clientTokens.split(",")).anyMatch(t -> !t.isBlank());
        if (!any) {
            throw new IllegalStateException("GEMINI_POOL_CLIENT_TOKENS is empty: set at least one client token "
                    + "(comma-separated) for clients to call the gateway with");
        }
    }
}
