package org.geminipool.simulator.internal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.List;

/** Small helpers shared by the route handlers. */
final class Http {

    static final String JSON_UTF8 = "application/json; charset=UTF-8";

    /** One piece of a streamed body and how long to wait before writing it. */
    record Frame(String data, long delayMs) {
    }

    private Http() {
    }

    static void send(RoutingContext ctx, int status, String contentType, String body) {
        HttpServerResponse r = ctx.response();
        if (r.ended() || r.closed()) {
            return;
        }
        r.setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    }

    static void googleError(RoutingContext ctx, GoogleErrors.GoogleError e, boolean arrayWrapped) {
        String body = arrayWrapped ? GoogleJson.pretty(new io.vertx.core.json.JsonArray().add(e.body())) : GoogleJson.pretty(e.body());
        send(ctx, e.code(), JSON_UTF8, body + "\n");
    }

    /** Runs {@code r} after the configured fixed latency (at once when zero). */
    static void afterLatency(Vertx vertx, SimState state, Runnable r) {
        long ms = state.latencyFixed().toMillis();
        if (ms <= 0) {
            r.run();
        } else {
            vertx.setTimer(ms, id -> r.run());
        }
    }

    /**
     * Writes the frames in order, each after its delay, then ends the response. Stops quietly when the client has
     * gone. The list is finite, so this ends after frames.size() steps.
     */
    static void writeFrames(Vertx vertx, HttpServerResponse resp, List<Frame> frames, int index) {
        if (resp.ended() || resp.closed()) {
            return;
        }
        if (index >= frames.size()) {
            resp.end();
            return;
        }
        Frame f = frames.get(index);
        Runnable write = () -> {
            if (resp.ended() || resp.closed()) {
                return;
            }
            resp.write(f.data());
            writeFrames(vertx, resp, frames, index + 1);
        };
        if (f.delayMs() > 0) {
            vertx.setTimer(f.delayMs(), id -> write.run());
        } else {
            write.run();
        }
    }

    static long ms(Duration d) {
        return d == null ? 0 : Math.max(0, d.toMillis());
    }

    static String bearer(RoutingContext ctx) {
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = auth.substring(7).trim();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
