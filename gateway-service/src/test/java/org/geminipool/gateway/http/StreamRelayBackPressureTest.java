package org.geminipool.gateway.http;

import org.geminipool.gateway.attempt.Exchange;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import org.geminipool.gateway.routing.RouteDecision;
import org.geminipool.gateway.routing.Target;
import org.geminipool.contract.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client back-pressure is never the key's fault: a stream client that stops reading for longer than the upstream idle
 * timeout pauses the upstream, and the relay must not then fail the attempt as UPSTREAM_ERROR. Real sockets on
 * 127.0.0.1: an "upstream" server that streams far more than the socket buffers hold, the relay in a front server, and
 * a client with a small receive buffer that pauses and then reads everything.
 */
class StreamRelayBackPressureTest {

    private static final int EVENTS = 40_000;
    // Generous: while data flows, a busy shared CI machine must not look like a silent upstream.
    private static final long IDLE_MILLIS = 3_000;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatPausesLongerThanTheUpstreamIdleTimeoutIsNoUpstreamError() throws Exception {
        String event = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + "x".repeat(400)
                + "\"}]}}]}\r\n\r\n";
        HttpServer upstream = vertx.createHttpServer().requestHandler(req -> {
            HttpServerResponse out = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
            writeEvents(out, Buffer.buffer(event), EVENTS);
        });
        int upstreamPort = upstream.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).actualPort();

        HttpClient client = vertx.createHttpClient();
        CompletableFuture<StreamRelay.Result> result = new CompletableFuture<>();
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            Exchange ex = new Exchange(ctx, vertx.getOrCreateContext(),
                    new ApiCall(Operation.STREAM_GENERATE_CONTENT, "v1beta", "m", true), "req-1", "client",
                    null, null, new RouteDecision("r", List.of(Target.google("p", "m"))));
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(upstreamPort)
                            .setURI("/stream").setIdleTimeout(IDLE_MILLIS))
                    .compose(r -> r.send())
                    .onSuccess((HttpClientResponse response) -> StreamRelay.relay(ex, response, "r/p:m", IDLE_MILLIS,
                            result::complete))
                    .onFailure(result::completeExceptionally);
        });
        int frontPort = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();

        long expected = (long) event.length() * EVENTS;
        long read = 0;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", frontPort), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            read += Math.max(0, in.read(buf));
            // The client stops reading for three upstream idle timeouts.
            Thread.sleep(3 * IDLE_MILLIS + 500);
            // Then it reads everything, up to the last chunk of the chunked answer.
            byte[] tail = new byte[5];
            for (int n; (n = in.read(buf)) >= 0; ) {
                read += n;
                if (n >= 5) {
                    System.arraycopy(buf, n - 5, tail, 0, 5);
                } else {
                    System.arraycopy(tail, n, tail, 0, 5 - n);
                    System.arraycopy(buf, 0, tail, 5 - n, n);
                }
                if (new String(tail, StandardCharsets.US_ASCII).equals("0\r\n\r\n")) {
                    break;
                }
            }
        }
        StreamRelay.Result r = result.get(30, TimeUnit.SECONDS);
        assertEquals(Outcome.SUCCESS, r.classification().outcome(), "relay ended with " + r.failure());
        assertTrue(read >= expected, "the client got the whole stream: " + read + " of " + expected);
    }

    private static void writeEvents(HttpServerResponse out, Buffer event, int left) {
        int n = left;
        while (n > 0 && !out.writeQueueFull()) {
            out.write(event);
            n--;
        }
        if (n == 0) {
            out.end();
            return;
        }
        int rest = n;
        out.drainHandler(v -> writeEvents(out, event, rest));
    }
}
