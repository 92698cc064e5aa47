package org.geminipool.gateway.upstream;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;

/**
 * The HTTP client for Google and OpenRouter: pooled keep-alive connections, one pool per event loop
 * ({@link PerLoopHttpClient}; GEMINI_POOL_UPSTREAM_MAX_CONNECTIONS each); HTTP/2 negotiated by ALPN on https
 * (falling back to HTTP/1.1 where the upstream does not offer it), HTTP/1.1 on plain http (simulator, local proxies).
 * Answers are not buffered here: callers read the body as a stream or as a whole.
 */
@ApplicationScoped
public class UpstreamHttp {

    @Inject
    Vertx vertx;

    @Inject
    GatewayConfig config;

    private PerLoopHttpClient plain;
    private PerLoopHttpClient tls;
    /**
     * Clients that never reuse a connection, for requests whose body is streamed from the client and so cannot be
     * sent twice (uploads): a pooled keep-alive connection the upstream closed meanwhile fails such a request with
     * "Connection was closed" and no retry is possible; a fresh connection per upload costs one handshake.
     */
    private PerLoopHttpClient plainOnce;
    private PerLoopHttpClient tlsOnce;

    @PostConstruct
    void init() {
        int connectMs = (int) config.upstreamConnectTimeout().toMillis();
        HttpClientOptions plainOptions = new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                .setConnectTimeout(connectMs).setTcpNoDelay(true).setDecompressionSupported(false)
                .setKeepAliveTimeout(60).setProtocolVersion(HttpVersion.HTTP_1_1);
        HttpClientOptions tlsOptions = new HttpClientOptions().setKeepAlive(true).setSsl(true).setUseAlpn(true)
                .setProtocolVersion(HttpVersion.HTTP_2).setConnectTimeout(connectMs).setTcpNoDelay(true)
                .setDecompressionSupported(false).setKeepAliveTimeout(60).setHttp2KeepAliveTimeout(60)
                .setHttp2MultiplexingLimit(100);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.upstreamMaxConnections())
                .setHttp2MaxSize(Math.max(1, config.upstreamMaxConnections() / 50))
                .setMaxWaitQueueSize(10_000);
        plain = new PerLoopHttpClient(vertx, plainOptions, pool);
        tls = new PerLoopHttpClient(vertx, tlsOptions, pool);
        plainOnce = new PerLoopHttpClient(vertx, new HttpClientOptions(plainOptions).setKeepAlive(false), pool);
        tlsOnce = new PerLoopHttpClient(vertx, new HttpClientOptions(tlsOptions).setKeepAlive(false).setUseAlpn(false)
                .setProtocolVersion(HttpVersion.HTTP_1_1), pool);
    }

    @PreDestroy
    void close() {
        if (plain != null) {
            plain.close();
        }
        if (tls != null) {
            tls.close();
        }
        if (plainOnce != null) {
            plainOnce.close();
        }
        if (tlsOnce != null) {
            tlsOnce.close();
        }
    }

    /**
     * Sends one request; the response future completes when the status and headers have arrived (the body is
     * paused until the caller attaches handlers or reads it). Fails on connection errors and on the idle timeout.
     */
    public Future<HttpClientResponse> send(HttpMethod method, String absoluteUrl, MultiMap headers, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(absoluteUrl)
                .setIdleTimeout(config.upstreamTimeout().toMillis())
                .setConnectTimeout(config.upstreamConnectTimeout().toMillis());
        HttpClient client = (absoluteUrl.startsWith("https:") ? tls : plain).current();
        return client.request(options).compose(request -> {
            request.headers().addAll(headers);
            Future<HttpClientResponse> answer = body == null ? request.send() : request.send(body);
            return answer.recover(e -> Future.failedFuture(isIdleTimeout(e) ? new SilentUpstreamException(e) : e));
        });
    }

    /**
     * The upstream took the whole request and then sent nothing for GEMINI_POOL_UPSTREAM_TIMEOUT: it accepted the call
     * (and may have counted it), it is just slow (a long thinking call), which is no fault of the key. Distinct from a
     * connect or pool timeout, which happen before the request is sent.
     */
    public static final class SilentUpstreamException extends RuntimeException {
        SilentUpstreamException(Throwable cause) {
            super("the upstream sent nothing within the idle timeout", cause, false, false);
        }
    }

    /** True for Vert.x's idle timeout of a request whose connection was obtained (not a connect timeout). */
    public static boolean isIdleTimeout(Throwable e) {
        return e instanceof java.util.concurrent.TimeoutException || e instanceof SilentUpstreamException;
    }

    /**
     * Like {@link #send} but hands back the request too, so a caller can reset it when its client goes away;
     * {@code oneShot}: on a connection of its own (a streamed body, see {@link #plainOnce}).
     */
    public Future<HttpClientRequest> open(HttpMethod method, String absoluteUrl, MultiMap headers, boolean oneShot) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(absoluteUrl)
                .setIdleTimeout(config.upstreamTimeout().toMillis())
                .setConnectTimeout(config.upstreamConnectTimeout().toMillis());
        boolean https = absoluteUrl.startsWith("https:");
        HttpClient client = (oneShot ? (https ? tlsOnce : plainOnce) : https ? tls : plain).current();
        return client.request(options).map(request -> {
            request.headers().addAll(headers);
            return request;
        });
    }
}
