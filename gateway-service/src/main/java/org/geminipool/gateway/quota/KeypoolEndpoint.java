package org.geminipool.gateway.quota;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.upstream.PerLoopHttpClient;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the keypool is and how the gateway's plain Vert.x clients call it (DESIGN §1: the gateway leases keys from
 * keypool-service; §6: service-to-service calls carry the internal token): host, port and base path parsed once from
 * {@code GEMINI_POOL_KEYPOOL_URL}, the {@code Authorization} header, and keep-alive HTTP/1.1 clients, closed at
 * shutdown. Each caller gets a connection pool of its own size (leases: {@link KeypoolClient}; Live session slots), so
 * one kind of call never waits for the other's connections.
 */
@ApplicationScoped
public class KeypoolEndpoint {

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    private final List<PerLoopHttpClient> clients = new CopyOnWriteArrayList<>();
    private String host;
    private int port;
    private boolean tls;
    private String basePath;
    private String authorization;

    @PostConstruct
    void init() {
        URI uri = URI.create(config.keypoolUrl());
        host = uri.getHost();
        tls = "https".equalsIgnoreCase(uri.getScheme());
        port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        authorization = "Bearer " + config.internalToken().orElse("");
    }

    @PreDestroy
    void close() {
        clients.forEach(PerLoopHttpClient::close);
        clients.clear();
    }

    /**
     * One request to the keypool: its address, {@code path} under the keypool URL's path (without its trailing
     * slash), the internal token ({@code Bearer …}), JSON accepted, the given idle timeout and a 2 s connect timeout.
     * Written once for every client of the keypool.
     */
    public RequestOptions request(HttpMethod method, String path, long idleTimeoutMs) {
        return new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(basePath + path)
                .setIdleTimeout(idleTimeoutMs).setConnectTimeout(2000).putHeader("Authorization", authorization)
                .putHeader("Accept", "application/json");
    }

    /**
     * A new keep-alive HTTP/1.1 client to the keypool (TLS for an {@code https} URL, 2 s connect timeout) with at most
     * {@code maxConnections} connections per event loop ({@link PerLoopHttpClient}); closed with this bean.
     */
    public PerLoopHttpClient client(int maxConnections) {
        PerLoopHttpClient http = new PerLoopHttpClient(vertx, new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60)
                .setTcpNoDelay(true).setSsl(tls).setProtocolVersion(HttpVersion.HTTP_1_1).setConnectTimeout(2000),
                new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(10_000));
        clients.add(http);
        return http;
    }
}
