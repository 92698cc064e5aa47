package org.geminipool.gateway.http;

import org.geminipool.gateway.metrics.GatewayMetrics;
import org.geminipool.gateway.attempt.ModelsCatalog;
import org.geminipool.gateway.attempt.Exchange;
import org.geminipool.gateway.attempt.AttemptLoop;
import org.geminipool.gateway.routing.RouteHeaderTokens;
import org.geminipool.contract.ModelNames;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.routing.RequestTraits;
import org.geminipool.gateway.routing.RouteDecision;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.routing.Target;

import org.geminipool.gateway.affinity.Affinity;
import org.geminipool.gateway.affinity.ObjectRefs;

import java.util.List;

/**
 * One client request from the HTTP layer to the attempt loop: authenticate, parse the call, check the body, answer
 * from the models cache or an alias, choose the route, and hand over. Everything refused here costs no lease.
 */
@ApplicationScoped
public class GatewayRequests {

    @Inject
    ClientAuth auth;

    @Inject
    RouteTable routes;

    @Inject
    AttemptLoop loop;

    @Inject
    ModelsCatalog models;

    @Inject
    GatewayMetrics metrics;

    @Inject
    RouteHeaderTokens routeHeaders;

    @Inject
    DoorRequests doors;

    /** Runs before the body is read: a request without a valid token is answered 401 at once. */
    public boolean authenticate(RoutingContext ctx) {
        String token = ClientAuth.presented(ctx.request());
        if (token == null) {
            metrics.request(null, null, "UNAUTHENTICATED");
            GatewayResponses.error(ctx, null, 401, "missing client token: send it as 'Authorization: Bearer <token>',"
                    + " 'x-goog-api-key: <token>', 'x-api-key: <token>' or '?key=<token>'", null, null);
            return false;
        }
        if (!auth.accepts(token)) {
            metrics.request(null, null, "UNAUTHENTICATED");
            GatewayResponses.error(ctx, null, 401, "invalid client token", null, null);
            return false;
        }
        ctx.put(ClientAuth.TOKEN_ID, ClientAuth.tokenId(token));
        return true;
    }

    @Inject
    PassThroughRoutes passThrough;

    @Inject
    Affinity affinity;

    public void handle(RoutingContext ctx) {
        if (ctx.get(PassThroughRoutes.MARK) != null) {
            passThrough.handOver(ctx); // a path the gateway forwards as it is (PassThroughRoutes)
            return;
        }
        String requestId = org.geminipool.contract.RandomIds.uuid();
        ApiCall call = null;
        try {
            // The routed path (percent-decoded where unreserved, dot segments removed), as the router matched it.
            call = ctx.get(PassThroughRoutes.PARSED);
            if (call == null) {
                call = RequestParser.parse(ctx.request().method(), ctx.normalizedPath(), ctx.request().getParam("alt"));
            }
            if (call.operation().door() || call.operation() == Operation.GET_RESPONSE) {
                doors.handle(ctx, call, requestId); // Responses and Messages: translated onto Gemini
                return;
            }
            if (call.pathModel() != null) {
                requireModel(call.pathModel());
            }
            Buffer body = ctx.body() == null ? null : ctx.body().buffer();
            ObjectNode json = call.operation().models() ? null : RequestParser.body(call, body);
            long estimatedTokens = 0;
            if (json != null && json.path("model").isTextual() && call.protocol() == Protocol.OPENAI) {
                requireModel(json.get("model").asText());
            }
            RouteDecision decision;
            if (call.operation().models()) {
                if (models.answerLocally(new Exchange(ctx, null, call, requestId, null, null, null, null))) {
                    return; // the models stage: an alias or a cached list/get (ModelsCatalog)
                }
                decision = new RouteDecision("models", List.of(Target.google(null, null)));
            } else {
                String model = call.protocol() == Protocol.GEMINI ? call.pathModel() : json.path("model").asText(null);
                String routeHeader = routeHeaders.allowed(ctx.get(ClientAuth.TOKEN_ID), ctx.request().getHeader(
                        AttemptLoop.ROUTE_HEADER));
                RequestTraits traits = call.protocol() == Protocol.GEMINI
                        ? RequestTraits.gemini(call.operation().kind(), model, json, routeHeader)
                        : RequestTraits.openAi(call.operation().kind(), model, json,
                        call.operation() == Operation.IMAGE_GENERATIONS, routeHeader);
                decision = routes.current().resolve(traits);
                estimatedTokens = traits.estimatedPromptTokens();
                if (decision == null) {
                    throw new ClientError(400, "model is required (no default route is configured)");
                }
            }
            Exchange ex = new Exchange(ctx, Vertx.currentContext(), call, requestId, ctx.get(ClientAuth.TOKEN_ID),
                    ctx.body() == null ? null : ctx.body().buffer(), json, decision);
            ex.estimatedTokens = estimatedTokens;
            java.util.Set<String> objects = ObjectRefs.inBody(json);
            if (objects.isEmpty()) {
                loop.run(ex);
            } else {
                runPinned(ex, objects);
            }
        } catch (ClientError e) {
            metrics.request(null, null, "BAD_REQUEST");
            GatewayResponses.error(ctx, call, e.status(), e.getMessage(), null, requestId);
        }
    }

    /**
     * Affinity (design §2): a request naming stored objects (a {@code fileData.fileUri}, a {@code cachedContent}) is
     * served only by the project that created them; an object the pool never saw for this client, or objects of two
     * projects, are a 4xx before any lease.
     */
    private void runPinned(Exchange ex, java.util.Set<String> objects) {
        affinity.pin(objects, ex.clientTokenId).subscribe().with(pin -> ex.context.runOnContext(v -> {
            if (pin instanceof Affinity.Pin.Refused refused) {
                metrics.request(ex.decision.route(), null, "UNKNOWN_OBJECT");
                GatewayResponses.error(ex.ctx, ex.call, refused.status(), refused.message(), null, ex.requestId);
                return;
            }
            if (pin instanceof Affinity.Pin.Project pinned) {
                ex.project = pinned.project();
                ex.objects = new java.util.LinkedHashSet<>(pinned.names());
            }
            loop.run(ex);
        }), failure -> ex.context.runOnContext(v -> {
            metrics.request(ex.decision.route(), null, "KEYPOOL_UNAVAILABLE");
            GatewayResponses.error(ex.ctx, ex.call, 503, "the key pool (keypool-service) is not reachable right now;"
                    + " try again shortly", 5L, ex.requestId);
        }));
    }

    /** 400 in the route's protocol unless {@code name} is a valid model name. */
    private static void requireModel(String name) {
        if (!ModelNames.valid(name)) {
            throw new ClientError(400, ModelNames.problem(name));
        }
    }
}
