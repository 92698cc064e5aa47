package org.geminipool.gateway.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Writes the gateway's own answers (errors in the route's protocol). */
public final class GatewayResponses {

    private GatewayResponses() {
    }

    public static void error(RoutingContext ctx, ApiCall call, int status, String message, Long retryAfterSeconds,
                             String requestId) {
        Protocol protocol = call == null ? RequestParser.protocolOf(ctx.normalizedPath()) : call.protocol();
        boolean array = call != null && call.arrayStream();
        HttpServerResponse out = ctx.response();
        if (retryAfterSeconds != null && !out.headWritten()) {
            out.putHeader("Retry-After", Long.toString(retryAfterSeconds));
        }
        if (protocol == Protocol.ANTHROPIC) {
            status = org.geminipool.gateway.translate.anthropic.AnthropicErrors.status(status);
        }
        json(ctx, status, ProtocolErrors.body(protocol, array, status, message), requestId);
    }

    public static void json(RoutingContext ctx, int status, String body, String requestId) {
        HttpServerResponse out = ctx.response();
        if (out.closed() || out.ended() || out.headWritten()) {
            return;
        }
        out.setStatusCode(status).putHeader("Content-Type", "application/json; charset=UTF-8");
        if (requestId != null) {
            out.putHeader("x-request-id", requestId);
        }
        out.end(body);
    }
}
