package org.geminipool.gateway.upstream;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerLoopHttpClientTest {

    static Vertx vertx;
    static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        server = vertx.createHttpServer().requestHandler(r -> r.response().end("ok")).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** On {@code loop}: the client it gets, the local port of the connection its request used, its thread. */
    record Call(Object client, int localPort, Thread answeredOn, Thread loop) {
    }

    static Call callOn(Context loop, PerLoopHttpClient clients) throws Exception {
        Promise<Call> done = Promise.promise();
        loop.runOnContext(v -> {
            var client = clients.current();
            Thread me = Thread.currentThread();
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
                            .setPort(server.actualPort()).setURI("/"))
                    .compose(req -> req.send().compose(resp -> resp.body().map(b ->
                            new Call(client, req.connection().localAddress().port(), Thread.currentThread(), me))))
                    .onComplete(done);
        });
        return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachLoopKeepsItsOwnConnectionsAndAnswers() throws Exception {
        PerLoopHttpClient clients = new PerLoopHttpClient(vertx, new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(4));
        try {
            // Event-loop contexts are handed out round robin over the two loops.
            Context a = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
            Context b = ((io.vertx.core.impl.VertxInternal) vertx).createEventLoopContext();
            Call first = callOn(a, clients);
            Call second = callOn(b, clients);
            Call again = callOn(a, clients);
            assertNotEquals(first.loop(), second.loop(), "two contexts of a two-loop Vert.x sit on both loops");
            assertNotSame(first.client(), second.client(), "each event loop has a client of its own");
            assertSame(first.client(), again.client(), "a loop keeps its client");
            // A shared pool would hand loop b the idle keep-alive connection loop a opened.
            assertNotEquals(first.localPort(), second.localPort(), "loop b opened a connection of its own");
            assertEquals(first.localPort(), again.localPort(), "loop a reuses its keep-alive connection");
            for (Call c : new Call[] {first, second, again}) {
                assertSame(c.loop(), c.answeredOn(), "the answer is read on the loop that asked");
            }
            assertEquals(2, clients.loops());
        } finally {
            clients.close();
        }
    }

    @Test
    void callersOffTheLoopsShareOneClient() {
        PerLoopHttpClient clients = new PerLoopHttpClient(vertx, new HttpClientOptions(), new PoolOptions());
        try {
            assertTrue(!Context.isOnEventLoopThread(), "the test thread is no event loop");
            assertSame(clients.current(), clients.current());
            assertEquals(0, clients.loops());
        } finally {
            clients.close();
        }
    }
}
