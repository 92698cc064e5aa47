package org.geminipool.gateway.console;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Optional;

/**
 * The console's settings. Property names follow the gateway's; each also reads from its env variable
 * ({@code gemini-pool.admin-token} ← {@code GEMINI_POOL_ADMIN_TOKEN}, etc.).
 */
@ApplicationScoped
public class ConsoleSettings {

    /** GEMINI_POOL_ADMIN_TOKEN: the console's login, and the Bearer token sent to keypool and usage. */
    @ConfigProperty(name = "gemini-pool.admin-token")
    Optional<String> adminToken;

    /** GEMINI_POOL_KEYPOOL_URL. */
    @ConfigProperty(name = "gemini-pool.keypool-url", defaultValue = "http://127.0.0.1:8081")
    String keypoolUrl;

    /** GEMINI_POOL_USAGE_URL. */
    @ConfigProperty(name = "gemini-pool.usage-url", defaultValue = "http://127.0.0.1:8082")
    String usageUrl;

    /** GEMINI_POOL_CONSOLE_SESSION_TTL: how long a console login lasts. */
    @ConfigProperty(name = "gemini-pool.console.session-ttl", defaultValue = "8H")
    Duration sessionTtl;

    /** GEMINI_POOL_CONSOLE_SECURE_COOKIE: auto (Secure when the request came over https), always, never. */
    @ConfigProperty(name = "gemini-pool.console.secure-cookie", defaultValue = "auto")
    String secureCookie;

    /** GEMINI_POOL_CONSOLE_BACKEND_TIMEOUT: read timeout of calls to keypool and usage. */
    @ConfigProperty(name = "gemini-pool.console.backend-timeout", defaultValue = "15S")
    Duration backendTimeout;

    /** GEMINI_POOL_CONSOLE_LOGIN_MAX_FAILURES: failed logins per source address within the window before 429. */
    @ConfigProperty(name = "gemini-pool.console.login-max-failures", defaultValue = "5")
    int loginMaxFailures;

    /** GEMINI_POOL_CONSOLE_LOGIN_WINDOW: the window failed logins are counted in. */
    @ConfigProperty(name = "gemini-pool.console.login-window", defaultValue = "1M")
    Duration loginWindow;

    public int loginMaxFailures() {
        return Math.max(1, loginMaxFailures);
    }

    public Duration loginWindow() {
        return loginWindow;
    }

    public String adminToken() {
        return adminToken.map(String::trim).orElse("");
    }

    public String keypoolUrl() {
        return keypoolUrl;
    }

    public String usageUrl() {
        return usageUrl;
    }

    public Duration sessionTtl() {
        return sessionTtl;
    }

    public String secureCookie() {
        return secureCookie.trim().toLowerCase();
    }

    public Duration backendTimeout() {
        return backendTimeout;
    }
}
