package org.geminipool.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Every gateway setting; the env variable of each is in application.properties and gateway-service/README.md. */
@ConfigMapping(prefix = "gemini-pool")
public interface GatewayConfig {

    /** GEMINI_POOL_CLIENT_TOKENS, comma-separated. */
    Optional<String> clientTokens();

    /** GEMINI_POOL_INTERNAL_TOKEN: sent to keypool and usage as a Bearer token. */
    Optional<String> internalToken();

    /** GEMINI_POOL_KEYPOOL_URL (used by the keypool REST client). */
    @WithDefault("http://127.0.0.1:8081")
    String keypoolUrl();

    /** GEMINI_POOL_USAGE_URL (used by the usage REST client). */
    @WithDefault("http://127.0.0.1:8082")
    String usageUrl();

    @WithDefault("https://generativelanguage.googleapis.com")
    String geminiBaseUrl();

    @WithDefault("https://openrouter.ai/api/v1")
    String openrouterBaseUrl();

    Optional<String> openrouterApiKey();

    /** GEMINI_POOL_ROUTES: path of the routing YAML; unset → the built-in default (design §5). */
    Optional<String> routes();

    @WithDefault("5s")
    Duration routesReloadInterval();

    /**
     * GEMINI_POOL_ROUTE_HEADER_TOKENS: comma-separated client tokens allowed to pick a route with the
     * {@code x-gemini-pool-route} request header; {@code *} (the default) = every client token, empty/none = nobody.
     */
    @WithDefault("*")
    String routeHeaderTokens();

    @WithDefault("20M")
    MemorySize maxBodySize();

    /**
     * GEMINI_POOL_MAX_BODY_BYTES_IN_FLIGHT: request body bytes held at once over all requests; beyond, 429. A body is
     * held about three times (bytes, JSON tree, the copy sent upstream), so the default suits a heap of ~512 MB.
     */
    @WithDefault("64M")
    MemorySize maxBodyBytesInFlight();

    /** Upstream calls one client request may cost, over all targets. */
    @WithDefault("10")
    int maxAttempts();

    /** How many 5xx/timeouts one client request retries on another key before giving up. */
    @WithDefault("2")
    int maxUpstreamErrorRetries();

    /** Idle timeout of an upstream call: no byte for this long ends it as UPSTREAM_ERROR. */
    @WithDefault("120s")
    Duration upstreamTimeout();

    @WithDefault("10s")
    Duration upstreamConnectTimeout();

    @WithDefault("200")
    int upstreamMaxConnections();

    @WithDefault("60s")
    Duration modelsCacheTtl();

    /** GEMINI_POOL_FAMILY_REFRESH_INTERVAL: how often family targets are re-resolved from the upstream's models list. */
    @WithDefault("5m")
    Duration familyRefreshInterval();

    Usage usage();

    /** The Live API WebSocket relay (gateway README, "Live API"). */
    Live live();

    interface Live {
        /** GEMINI_POOL_LIVE_IDLE_TIMEOUT: a session with no frame either way for this long is closed (1001). */
        @WithDefault("120s")
        Duration idleTimeout();

        /** GEMINI_POOL_LIVE_SESSIONS_PER_TOKEN: open Live sessions one client token may hold on this gateway. */
        @WithDefault("20")
        int sessionsPerToken();

        /**
         * GEMINI_POOL_LIVE_MAX_FRAME_SIZE: the largest WebSocket frame either side may send (the client's, Google's);
         * a larger one closes the session (1009). Also Quarkus' websocket-server limits.
         */
        @WithDefault("4M")
        MemorySize maxFrameSize();
    }

    interface Usage {
        @WithDefault("500")
        int batchSize();

        @WithDefault("1s")
        Duration shipInterval();

        /** Events held in memory while the spill folder cannot be written; beyond it the oldest are dropped. */
        @WithDefault("50000")
        int queueCapacity();

        /** GEMINI_POOL_SPILL_DIR (the write-ahead log); unset → {java.io.tmpdir}/gemini-pool-spill. */
        Optional<String> spillDir();

        /** GEMINI_POOL_USAGE_SPILL_MAX_SIZE: undelivered events kept on disk; beyond it the oldest are dropped. */
        @WithDefault("1G")
        MemorySize spillMaxSize();

        /** GEMINI_POOL_USAGE_REJECTED_MAX_FILES: files of refused events kept in rejected/. */
        @WithDefault("1000")
        int rejectedMaxFiles();

        /** GEMINI_POOL_USAGE_REJECTED_MAX_SIZE: bytes of refused events kept in rejected/. */
        @WithDefault("16M")
        MemorySize rejectedMaxSize();

        @WithDefault("10s")
        Duration shutdownFlushTimeout();
    }

    default List<String> clientTokenList() {
        return clientTokens().map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList())
                .orElse(List.of());
    }
}
