package org.geminipool.gateway.upstream;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Vert.x HTTP client (and so one connection pool) per event loop. A shared pool hands a request on loop A a
 * connection created by loop B: B reads the answer and Vert.x passes it to A, two thread wake-ups per exchange instead
 * of one. On this 2-core machine a context switch is the dearest thing on the path (perf: a third of the gateway's
 * CPU at 500 req/s was the scheduler), so each loop keeps its own connections and never hands work to another.
 * Calls from threads that are not event loops (schedulers, tests) share one more client.
 */
public final class PerLoopHttpClient {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final Map<Thread, HttpClient> byLoop = new ConcurrentHashMap<>();
    private final HttpClient shared;
    private volatile boolean closed;

    /** {@code pool}: the size of each loop's pool (and of the shared one). */
    public PerLoopHttpClient(Vertx vertx, HttpClientOptions options, PoolOptions pool) {
        this.vertx = vertx;
        this.options = new HttpClientOptions(options);
        this.pool = new PoolOptions(pool);
        this.shared = vertx.createHttpClient(this.options, this.pool);
    }

    /** The client of the calling event loop (created on its first call there), else the shared one. */
    public HttpClient current() {
        if (!Context.isOnEventLoopThread() || closed) {
            return shared;
        }
        Thread loop = Thread.currentThread();
        HttpClient client = byLoop.get(loop);
        return client != null ? client : byLoop.computeIfAbsent(loop, t -> vertx.createHttpClient(options, pool));
    }

    /** Number of per-loop clients created so far (for tests). */
    public int loops() {
        return byLoop.size();
    }

    public void close() {
        closed = true;
        shared.close();
        byLoop.values().forEach(HttpClient::close);
        byLoop.clear();
    }
}
