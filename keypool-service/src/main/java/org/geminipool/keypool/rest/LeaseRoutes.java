package org.geminipool.keypool.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.contract.ApiKeys;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.lease.OutcomeBatch;
import org.geminipool.contract.lease.OutcomeReport;
import org.geminipool.keypool.config.Tokens;
import org.geminipool.keypool.service.ApiException;
import org.geminipool.keypool.service.LeaseService;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.function.Function;

/**
 * The gateway's calls on every request — {@code POST /leases}, {@code POST /leases/{leaseId}/outcome} and
 * {@code POST /outcomes} (internal token) — as plain Vert.x routes: the body is bound by one prepared Jackson reader and
 * the answer written as bytes, without the JAX-RS pipeline (filters, request scope, entity providers) that cost more
 * CPU than the lease itself. Errors keep the service's shape: {@code {"error": ...}}, a 4xx for bad input (with
 * {@code Retry-After} on a 429), 401 before the body is read, 413 over {@link #MAX_BODY}.
 */
@ApplicationScoped
public class LeaseRoutes {

    private static final Logger LOG = Logger.getLogger(LeaseRoutes.class);

    /** A lease request is a few hundred bytes; a batch of {@link LeaseService#MAX_BATCH} outcomes stays well under. */
    static final int MAX_BODY = 2 * 1024 * 1024;

    @Inject
    LeaseService leases;

    @Inject
    Tokens tokens;

    @Inject
    ObjectMapper mapper;

    private ObjectReader leaseRequest;
    private ObjectReader outcomeReport;
    private ObjectReader outcomeBatch;
    private ObjectWriter writer;

    void register(@Observes Router router) {
        // Quarkus' mapper: the StrictJson customizer applies (a number is not a pool name).
        leaseRequest = mapper.readerFor(LeaseRequest.class);
        outcomeReport = mapper.readerFor(OutcomeReport.class);
        outcomeBatch = mapper.readerFor(OutcomeBatch.class);
        writer = mapper.writer();
        String[] paths = {"/leases", "/leases/:leaseId/outcome", "/outcomes"};
        // The token is checked first, by a route of its own (Vert.x wants the body handler first on a route), so an
        // unauthenticated body is never read.
        for (String path : paths) {
            router.route(path).handler(this::authenticate);
        }
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.post("/leases").handler(body)
                .handler(ctx -> answer(ctx, 200, leaseRequest, request -> leases.lease((LeaseRequest) request)))
                .failureHandler(this::failed);
        router.post("/leases/:leaseId/outcome").handler(body)
                .handler(ctx -> answer(ctx, 204, outcomeReport,
                        report -> leases.settle(ctx.pathParam("leaseId"), (OutcomeReport) report)))
                .failureHandler(this::failed);
        router.post("/outcomes").handler(body)
                .handler(ctx -> answer(ctx, 200, outcomeBatch, batch -> leases.settleBatch((OutcomeBatch) batch)))
                .failureHandler(this::failed);
        // Any other method on these paths: 405 (as the JAX-RS resource answered).
        for (String path : paths) {
            router.route(path).handler(ctx -> error(ctx, 405, "method not allowed"));
        }
    }

    private void authenticate(RoutingContext ctx) {
        String refusal = AuthFilter.refusal(tokens.internal(), AuthFilter.INTERNAL,
                ctx.request().getHeader("Authorization"));
        if (refusal == null) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        error(ctx, 401, refusal);
    }

    private void answer(RoutingContext ctx, int success, ObjectReader reader, Function<Object, Uni<?>> service) {
        Buffer body = ctx.body().buffer();
        Uni<?> result;
        try {
            Object request = body == null || body.length() == 0 ? null : reader.readValue(body.getBytes());
            result = service.apply(request);
        } catch (JsonProcessingException e) {
            error(ctx, 400, ErrorMappers.malformed(e));
            return;
        } catch (Exception e) {
            fail(ctx, e);
            return;
        }
        result.subscribe().with(item -> {
            if (success == 204 || item == null) {
                end(ctx.response().setStatusCode(204), null);
            } else {
                write(ctx, success, item);
            }
        }, e -> fail(ctx, e));
    }

    private void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof ApiException api) {
            if (api.retryAfter() != null) {
                ctx.response().putHeader("Retry-After", String.valueOf(api.retryAfter()));
            }
            write(ctx, api.status(), api.body());
            return;
        }
        if (e instanceof java.io.IOException io) {
            // Jackson's other read failures (an unreadable body) are about the input.
            error(ctx, 400, "malformed JSON body: " + ApiKeys.scrub(String.valueOf(io.getMessage())));
            return;
        }
        LOG.errorf("internal error: %s", ApiKeys.scrub(e.toString()));
        error(ctx, 500, "internal error");
    }

    /** The body handler's refusals (413 over the limit, 400 unreadable) and anything a handler threw. */
    private void failed(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.failure() != null) {
            fail(ctx, ctx.failure());
            return;
        }
        int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
        error(ctx, status, status == 413 ? "request body too large (at most " + MAX_BODY + " bytes)" : "bad request");
    }

    private void error(RoutingContext ctx, int status, String message) {
        write(ctx, status, Map.of("error", message));
    }

    private void write(RoutingContext ctx, int status, Object value) {
        byte[] bytes;
        try {
            bytes = writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            LOG.errorf("unwritable answer: %s", ApiKeys.scrub(e.toString()));
            status = 500;
            bytes = "{\"error\":\"internal error\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        end(ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json"), Buffer.buffer(bytes));
    }

    private static void end(HttpServerResponse response, Buffer body) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (body == null) {
            response.end();
        } else {
            response.end(body);
        }
    }
}
