package org.geminipool.gateway.attempt;

import org.geminipool.gateway.http.ApiCall;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.geminipool.gateway.routing.RouteDecision;
import org.geminipool.gateway.routing.Target;

/** One client request on its way through the attempt loop. Confined to the request's event-loop context. */
public final class Exchange {

    public final RoutingContext ctx;
    public final Context context;
    public final ApiCall call;
    public final String requestId;
    public final String clientTokenId;
    public final Buffer body;
    public final ObjectNode json;
    public final RouteDecision decision;
    public final long startNanos = System.nanoTime();

    /** The router's estimate of the prompt's tokens, reserved in the input-tokens-per-minute bucket. */
    public long estimatedTokens;
    /** Google refused our egress location: Google targets are skipped for the rest of this request. */
    public boolean googleRefusedLocation;
    /** Targets skipped because their model is retired for every project that could serve it. */
    public int retiredTargets;
    public int attempts;
    /** Upstream 404s "no longer available" this request met (the first few spend no attempt). */
    public int retiredAnswers;
    public int upstreamErrors;
    public int unknownModelTargets;
    public boolean keypoolDown;
    public Long retryAfterSeconds;
    public String lastRefusal;
    public int lastUpstreamStatus;
    public String lastUpstreamMessage;
    public Target servedBy;
    /** The target of the attempt in flight (a door reads OpenRouter's chat answers through translate.ChatBridge). */
    public Target attemptTarget;
    /** The front door (Responses, Messages) that translated this request, else null. */
    public Door door;
    /** The Google project of the latest lease (a stored response remembers it for its chain). */
    public String leasedProject;
    /** Lease from this project first (a chain's earlier project, for its thought signatures); dropped when refused. */
    public String preferredProject;
    public boolean finished;
    /**
     * Affinity (design §2): the Google project that created the objects this request names (a file, a cache), or
     * null. When set, every lease is constrained to it and no other project is ever tried.
     */
    public String project;
    /** The stored objects the request names (for the answer when their project cannot serve). */
    public java.util.Set<String> objects = java.util.Set.of();

    public Exchange(RoutingContext ctx, Context context, ApiCall call, String requestId, String clientTokenId, Buffer body,
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

    public void noteRetryAfter(long seconds) {
        if (retryAfterSeconds == null || seconds < retryAfterSeconds) {
            retryAfterSeconds = seconds;
        }
    }

    public boolean clientGone() {
        return ctx.response().closed() || ctx.response().ended();
    }

    /** The model a client asked for, as sent (path model for Gemini, body model for OpenAI). */
    public String requestedModel() {
        if (call.pathModel() != null) {
            return call.pathModel();
        }
        return json == null ? null : json.path("model").asText(null);
    }
}
