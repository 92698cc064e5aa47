package org.geminipool.keypool.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The configured tokens, behind a normal-scoped bean: request filters are created early, and injecting the config
 * mapping into them directly fails under @QuarkusTest with test resources (quarkusio/quarkus#53112).
 */
@ApplicationScoped
public class Tokens {

    @Inject
    KeypoolConfig config;

    public String admin() {
        return config.adminToken().orElse("").trim();
    }

    public String internal() {
        return config.internalToken().orElse("").trim();
    }
}
