package org.geminipool.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.contract.ModelNames;
import org.geminipool.gateway.attempt.AttemptLoop;
import org.geminipool.gateway.attempt.Exchange;
import org.geminipool.gateway.metrics.GatewayMetrics;
import org.geminipool.gateway.routing.RequestTraits;
import org.geminipool.gateway.routing.RouteDecision;
import org.geminipool.gateway.routing.RouteHeaderTokens;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.store.ResponseStore;
import org.geminipool.gateway.translate.Signatures;
import org.geminipool.gateway.translate.TranslationException;
import org.geminipool.gateway.translate.anthropic.AnthropicRequest;
import org.geminipool.gateway.translate.responses.ResponsesAnswer;
import org.geminipool.gateway.translate.responses.ResponsesRequest;

/**
 * The two front doors Google does not serve (issue 20): {@code POST /v1/responses} (+ {@code GET /v1/responses/{id}})
 * and {@code POST /v1/messages} (+ {@code /count_tokens}). The request is translated into a GenerateContentRequest,
 * routed on that (so thinking, search tools, long context and keywords route as on the native API; the client's model
 * name — a Claude name too — is the {@code models} trait), and handed to the same attempt loop as every request.
 */
@ApplicationScoped
public class DoorRequests {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DoorRequests.class);

    @Inject
    RouteTable routes;

    @Inject
    AttemptLoop loop;

    @Inject
    GatewayMetrics metrics;

    @Inject
    RouteHeaderTokens routeHeaders;

    @Inject
    ResponseStore store;

    public void handle(RoutingContext ctx, ApiCall call, String requestId) {
        if (call.operation() == Operation.GET_RESPONSE) {
            getResponse(ctx, call, requestId);
            return;
        }
        Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
        ObjectNode body = RequestParser.body(call, raw);
        String tokenId = ctx.get(ClientAuth.TOKEN_ID);
        try {
            if (call.operation() == Operation.RESPONSES) {
                responses(ctx, call, requestId, body, tokenId);
            } else {
                boolean count = call.operation() == Operation.MESSAGES_COUNT_TOKENS;
                String model = requireModel(AnthropicRequest.model(body));
                boolean stream = !count && AnthropicRequest.stream(body);
                ObjectNode gemini = AnthropicRequest.toGemini(body, count);
                Exchange ex = exchange(ctx, call, requestId, tokenId, model, gemini);
                if (ex == null) {
                    return;
                }
                ex.door = new MessagesDoor(model, stream, count);
                loop.run(ex);
            }
        } catch (TranslationException e) {
            throw new ClientError(400, e.getMessage());
        }
    }

    private void responses(RoutingContext ctx, ApiCall call, String requestId, ObjectNode body, String tokenId) {
        String model = requireModel(ResponsesRequest.model(body));
        boolean stream = ResponsesRequest.stream(body);
        boolean keep = ResponsesRequest.store(body);
        String previous = ResponsesRequest.previousResponseId(body);
        if (previous == null) {
            start(ctx, call, requestId, body, tokenId, model, stream, keep, null);
            return;
        }
        Context context = Vertx.currentContext();
        store.get(previous, tokenId).onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed()) {
                metrics.request(null, null, "STORE_UNAVAILABLE");
                GatewayResponses.error(ctx, call, 503, "the response store (usage-service) is not reachable, so"
                        + " previous_response_id cannot be read now; try again shortly", 5L, requestId);
                return;
            }
            if (ar.result() == null) {
                metrics.request(null, null, "BAD_REQUEST");
                GatewayResponses.error(ctx, call, 404, "Previous response with id '" + previous + "' not found.", null,
                        requestId);
                return;
            }
            try {
                start(ctx, call, requestId, body, tokenId, model, stream, keep, ar.result());
            } catch (TranslationException e) {
                metrics.request(null, null, "BAD_REQUEST");
                GatewayResponses.error(ctx, call, 400, e.getMessage(), null, requestId);
            } catch (ClientError e) {
                metrics.request(null, null, "BAD_REQUEST");
                GatewayResponses.error(ctx, call, e.status(), e.getMessage(), null, requestId);
            } catch (RuntimeException e) {
                // A stored chain this gateway cannot read back (written by another version): not the client's input.
                LOG.warnf(e, "[%s] stored response %s unreadable", requestId, previous);
                GatewayResponses.error(ctx, call, 409, "the stored response '" + previous + "' cannot be continued;"
                        + " start a new chain", null, requestId);
            }
        }));
    }

    private void start(RoutingContext ctx, ApiCall call, String requestId, ObjectNode body, String tokenId, String model,
                       boolean stream, boolean keep, ResponseStore.Stored previous) {
        JsonNode previousContents = previous == null ? null : previous.document().get("contents");
        JsonNode previousOutput = previous == null ? null : previous.document().path("response").get("output");
        ObjectNode gemini = ResponsesRequest.toGemini(body, previousContents, previousOutput);
        Exchange ex = exchange(ctx, call, requestId, tokenId, model, gemini);
        if (ex == null) {
            return;
        }
        ObjectNode shell = ResponsesAnswer.shell(body, Signatures.randomId("resp_"), model,
                System.currentTimeMillis() / 1000);
        ex.door = new ResponsesDoor(shell, stream, keep, gemini.get("contents"), store);
        ex.preferredProject = previous == null ? null : previous.project();
        loop.run(ex);
    }

    /** Routes the translated request; null when it was answered already (no route). */
    private Exchange exchange(RoutingContext ctx, ApiCall call, String requestId, String tokenId, String model,
                              ObjectNode gemini) {
        String routeHeader = routeHeaders.allowed(tokenId, ctx.request().getHeader(AttemptLoop.ROUTE_HEADER));
        RequestTraits traits = RequestTraits.gemini(call.operation().kind(), model, gemini, routeHeader);
        RouteDecision decision = routes.current().resolve(traits);
        if (decision == null) {
            throw new ClientError(400, "model is required (no default route is configured)");
        }
        // The client's model name as the call's model: error messages and metrics name what the client sent.
        ApiCall named = new ApiCall(call.operation(), call.apiVersion(), model, false);
        Exchange ex = new Exchange(ctx, Vertx.currentContext(), named, requestId, tokenId, null, gemini, decision);
        ex.estimatedTokens = traits.estimatedPromptTokens();
        return ex;
    }

    private void getResponse(RoutingContext ctx, ApiCall call, String requestId) {
        String id = call.pathModel();
        if (!id.matches("[A-Za-z0-9_-]{1,100}")) {
            throw new ClientError(400, "not a response id: use the id a response answered with");
        }
        String tokenId = ctx.get(ClientAuth.TOKEN_ID);
        store.get(id, tokenId).onComplete(ar -> {
            if (ar.failed()) {
                GatewayResponses.error(ctx, call, 503, "the response store (usage-service) is not reachable; try again"
                        + " shortly", 5L, requestId);
            } else if (ar.result() == null) {
                GatewayResponses.error(ctx, call, 404, "No response found with id '" + id + "'.", null, requestId);
            } else {
                GatewayResponses.json(ctx, 200, ar.result().document().path("response").toString(), requestId);
            }
        });
    }

    private static String requireModel(String name) {
        if (!ModelNames.valid(name)) {
            throw new ClientError(400, ModelNames.problem(name));
        }
        return name;
    }
}
