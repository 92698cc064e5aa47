package org.geminipool.gateway.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.geminipool.gateway.routing.RouteDecision;
import org.geminipool.gateway.routing.Target;

/** One client request on its way through the attempt loop. Confined to the request's event-loop context. */
public final class Exchange {

    final RoutingContext ctx;
    final Context context;
    final ApiCall call;
    final String requestId;
    final String clientTokenId;
    final Buffer body;
    final ObjectNode json;
    final RouteDecision decision;
    final long startNanos = System.nanoTime();

    /** The router's estimate of the prompt's tokens, reserved in the input-tokens-per-minute bucket. */
    long estimatedTokens;
    /** Google refused our egress location: Google targets are skipped for the rest of this request. */
    boolean googleRefusedLocation;
    /** Targets skipped because their model is retired for every project that could serve it. */
    int retiredTargets;
    int attempts;
    int upstreamErrors;
    int unknownModelTargets;
    boolean keypoolDown;
    Long retryAfterSeconds;
    String lastRefusal;
    int lastUpstreamStatus;
    String lastUpstreamMessage;
    Target servedBy;
    boolean finished;

    Exchange(RoutingContext ctx, Context context, ApiCall call, String requestId, String clientTokenId, Buffer body,
             ObjectNode json, RouteDecision decision) {
        this.ctx = ctx;
        this.context = context;
        this.call = call;
        this.requestId = requestId;
        this.clientTokenId = clientTokenId;
        this.body = body;
        this.json = json;
        this.decision = decision;
    }

    void noteRetryAfter(long seconds) {
        if (retryAfterSeconds == null || seconds < retryAfterSeconds) {
            retryAfterSeconds = seconds;
        }
    }

    boolean clientGone() {
        return ctx.response().closed() || ctx.response().ended();
    }

    /** The model a client asked for, as sent (path model for Gemini, body model for OpenAI). */
    String requestedModel() {
        if (call.pathModel() != null) {
            return call.pathModel();
        }
        return json == null ? null : json.path("model").asText(null);
    }
}
