package org.geminipool.gateway.http;

import org.geminipool.gateway.attempt.Exchange;
import org.geminipool.gateway.attempt.AttemptLoop;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import org.geminipool.common.upstream.Classification;
import org.geminipool.contract.Outcome;
import org.geminipool.gateway.upstream.StreamScanner;
import org.geminipool.gateway.upstream.TokenUsage;
import org.geminipool.gateway.upstream.UpstreamHttp;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Relays a 200 streamed answer to the client as it arrives (with back-pressure, nothing held back) while a
 * {@link StreamScanner} watches for usage and error objects. Nothing is sent to the client before the first upstream
 * byte, so a stream that fails before it can still be retried on another key; after it, a failure ends the stream with
 * an error event in the route's protocol and is never restarted. On OpenAI routes, Google's error events are rewritten
 * into OpenAI's error shape.
 */
public final class StreamRelay {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the relay ended: the attempt's classification, usage seen, and whether the client had received anything. */
    public record Result(Classification classification, TokenUsage usage, boolean clientReceivedBytes, String failure) {
    }

    private final Exchange ex;
    private final HttpClientResponse upstream;
    private final String routeHeader;
    private final Consumer<Result> done;
    private final StreamScanner scanner = new StreamScanner();
    private final boolean openAi;
    /** The door's translation of this stream (Responses, Messages), else null. */
    private final org.geminipool.gateway.attempt.Door.DoorStream door;
    private final long idleMillis;
    private Buffer pending = Buffer.buffer();
    /** True while the upstream is paused because the client does not read fast enough. */
    private boolean waitingForClient;
    private long idleTimer = -1;
    private boolean headersSent;
    private boolean finished;

    private StreamRelay(Exchange ex, HttpClientResponse upstream, String routeHeader, long idleMillis,
                        Consumer<Result> done) {
        this.ex = ex;
        this.idleMillis = idleMillis;
        this.upstream = upstream;
        this.routeHeader = routeHeader;
        this.done = done;
        this.door = ex.door == null ? null : ex.door.openStream(ex);
        this.openAi = door == null && ex.call.protocol() == Protocol.OPENAI;
    }

    public static void relay(Exchange ex, HttpClientResponse upstream, String routeHeader, long idleMillis,
                      Consumer<Result> done) {
        new StreamRelay(ex, upstream, routeHeader, idleMillis, done).start();
    }

    private void start() {
        // Through the routing context, not response().closeHandler(): that would replace the context's own close
        // hook, and with it every other end handler of this request (the body budget's release among them).
        ex.ctx.addEndHandler(ended -> {
            if (ended.failed() && !finished) {
                upstream.request().reset();
                finish(new Result(Classification.of(Outcome.CLIENT_ERROR), scanner.usage(), headersSent,
                        "client closed the connection"));
            }
        });
        upstream.exceptionHandler(this::onUpstreamFailure);
        upstream.handler(this::onData);
        upstream.endHandler(v -> onEnd());
        watchIdle();
    }

    /**
     * GEMINI_POOL_UPSTREAM_TIMEOUT between the stream's bytes (Vert.x's request idle timeout ends with the response
     * head). Re-armed on every chunk, off while the client is the one not reading, gone when the relay finishes.
     */
    private void watchIdle() {
        stopIdleWatch();
        if (finished || waitingForClient || idleMillis <= 0) {
            return;
        }
        idleTimer = ex.context.owner().setTimer(idleMillis, id -> ex.context.runOnContext(v -> {
            if (idleTimer == id && !finished && !waitingForClient) {
                TimeoutException silent = new TimeoutException("no stream data for " + idleMillis + " ms");
                // Settle first: the reset below reports itself to the exception handler, which must find us done.
                onUpstreamFailure(silent);
                upstream.request().reset(0, silent);
            }
        }));
    }

    private void stopIdleWatch() {
        if (idleTimer >= 0) {
            ex.context.owner().cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    private void onData(Buffer data) {
        if (finished) {
            return;
        }
        watchIdle();
        byte[] bytes = data.getBytes();
        scanner.feed(bytes);
        if (door != null) {
            Buffer out;
            try {
                out = door.feed(data);
            } catch (RuntimeException e) {
                onUpstreamFailure(e);
                upstream.request().reset();
                return;
            }
            if (out.length() > 0) {
                write(out);
            }
        } else if (openAi) {
            pending.appendBuffer(data);
            Buffer events = completeEvents();
            if (events.length() > 0) {
                write(events);
            }
        } else {
            write(data);
        }
    }

    private void write(Buffer data) {
        HttpServerResponse out = ex.ctx.response();
        if (out.closed() || out.ended()) {
            return;
        }
        if (!headersSent) {
            headersSent = true;
            String type = upstream.getHeader("Content-Type");
            if (type == null) {
                type = ex.call.arrayStream() ? "application/json; charset=UTF-8" : "text/event-stream";
            }
            out.setStatusCode(200).setChunked(true).putHeader("Content-Type", type)
                    .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no")
                    .putHeader(AttemptLoop.ROUTE_HEADER, routeHeader).putHeader("x-request-id", ex.requestId);
        }
        out.write(data);
        if (out.writeQueueFull() && !waitingForClient) {
            // Back-pressure: the client reads slowly. While we wait for it the upstream is silent because of us, so
            // the idle watch is off (the public port's idle timeout bounds a client that stops reading altogether).
            waitingForClient = true;
            upstream.pause();
            stopIdleWatch();
            out.drainHandler(v -> {
                waitingForClient = false;
                upstream.resume();
                watchIdle();
            });
        }
    }

    /** Cuts complete SSE events off {@code pending}, rewriting Google error events for OpenAI clients. */
    private Buffer completeEvents() {
        Buffer out = Buffer.buffer();
        byte[] b = pending.getBytes();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            int end = -1;
            if (b[i] == '\n' && i + 1 < b.length && b[i + 1] == '\n') {
                end = i + 2;
            } else if (b[i] == '\r' && i + 3 < b.length && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                end = i + 4;
            }
            if (end > 0) {
                out.appendBuffer(rewrite(b, start, end));
                start = end;
                i = end - 1;
            }
        }
        pending = start == 0 ? pending : Buffer.buffer(java.util.Arrays.copyOfRange(b, start, b.length));
        return out;
    }

    private static Buffer rewrite(byte[] b, int start, int end) {
        String event = new String(b, start, end - start, StandardCharsets.UTF_8);
        if (!event.contains("\"error\"")) {
            return Buffer.buffer(java.util.Arrays.copyOfRange(b, start, end));
        }
        String data = event.strip();
        if (data.startsWith("data:")) {
            data = data.substring(5).strip();
        }
        try {
            JsonNode node = JSON.readTree(data);
            if (node != null && node.isArray() && !node.isEmpty()) {
                node = node.get(0);
            }
            JsonNode error = node == null ? null : node.get("error");
            if (error != null && error.isObject() && (error.has("status") || error.path("code").isInt())) {
                return Buffer.buffer("data: " + ProtocolErrors.openAiFromGoogleError(error) + "\n\n");
            }
        } catch (Exception ignored) {
            // not a JSON error event: pass it on as it is
        }
        return Buffer.buffer(java.util.Arrays.copyOfRange(b, start, end));
    }

    private void onEnd() {
        if (finished) {
            return;
        }
        if (openAi && pending.length() > 0) {
            Buffer rest = completeEvents();
            if (pending.length() > 0) {
                // A last event without its blank line: pass it through rather than lose it.
                String tail = pending.toString(StandardCharsets.UTF_8);
                rest.appendBuffer(rewrite(pending.getBytes(), 0, pending.length()));
                pending = Buffer.buffer();
                if (tail.isBlank()) {
                    rest = Buffer.buffer();
                }
            }
            if (rest.length() > 0) {
                write(rest);
            }
        }
        if (!headersSent) {
            finish(new Result(Classification.of(Outcome.UPSTREAM_ERROR), scanner.usage(), false,
                    "upstream ended the stream without sending anything"));
            return;
        }
        if (door != null) {
            // The door's closing events wait for what it keeps (a stored response), so the client's next turn finds it.
            door.end().onComplete(closing -> ex.context.runOnContext(v -> {
                if (closing.succeeded() && closing.result().length() > 0) {
                    write(closing.result());
                }
                endWith(closing.succeeded() ? null : errorEvent("the answer could not be stored: "
                        + closing.cause().getMessage()));
            }));
            return;
        }
        endWith(null);
    }

    private void endWith(Buffer last) {
        if (finished) {
            return;
        }
        HttpServerResponse out = ex.ctx.response();
        if (!out.closed() && !out.ended()) {
            if (last == null) {
                out.end();
            } else {
                out.end(last);
            }
        }
        Outcome outcome = scanner.error() != null ? Outcome.UPSTREAM_ERROR : Outcome.SUCCESS;
        finish(new Result(Classification.of(outcome), scanner.usage(), true,
                scanner.error() == null ? null : "error event in the stream: " + scanner.error().path("message").asText()));
    }

    private void onUpstreamFailure(Throwable cause) {
        if (finished) {
            return;
        }
        String why = "upstream stream failed: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage());
        // The upstream answered 200 and then went silent past its idle timeout (a long thinking pause): it accepted
        // the call, so it is neither a strike on the key nor retried on another one.
        boolean silent = UpstreamHttp.isIdleTimeout(cause);
        boolean answered = headersSent;
        if (headersSent) {
            HttpServerResponse out = ex.ctx.response();
            if (!out.closed() && !out.ended()) {
                out.end(errorEvent("the upstream stream broke off; the answer is incomplete"));
            }
        } else if (silent) {
            GatewayResponses.error(ex.ctx, ex.call, 504, "the upstream accepted the call but sent nothing within"
                    + " GEMINI_POOL_UPSTREAM_TIMEOUT; it was not retried on another key", null, ex.requestId);
            answered = true;
        }
        // Client back-pressure is never the key's fault: a failure while we were waiting for the client is not a strike.
        Outcome outcome = waitingForClient || silent ? Outcome.CLIENT_ERROR : Outcome.UPSTREAM_ERROR;
        finish(new Result(Classification.of(outcome), scanner.usage(), answered, why));
    }

    private Buffer errorEvent(String message) {
        if (door != null) {
            return door.error(502, message);
        }
        if (openAi) {
            return Buffer.buffer("data: " + ProtocolErrors.openAiError(502, message) + "\n\n");
        }
        String error = ProtocolErrors.googleError(502, message).toString();
        if (ex.call.arrayStream()) {
            return Buffer.buffer("\n,\r\n" + error + "\n]");
        }
        return Buffer.buffer("data: " + error + "\r\n\r\n");
    }

    private void finish(Result result) {
        if (finished) {
            return;
        }
        finished = true;
        stopIdleWatch();
        done.accept(result);
    }
}
