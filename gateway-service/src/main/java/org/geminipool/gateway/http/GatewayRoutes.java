package org.geminipool.gateway.http;

import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.http.GatewayRequests;
import org.geminipool.gateway.http.GatewayResponses;
import org.jboss.logging.Logger;

/**
 * The client routes (design §2) on the Vert.x router, so bodies and streams pass through without being buffered by a
 * framework: {@code /v1beta/*} (Gemini native, and {@code /v1beta/openai/*} as OpenAI) and {@code /v1/*} (OpenAI, and
 * the Gemini {@code :method} routes). Order: token check, body budget (429 when too many body bytes are in flight),
 * body (size-limited, 413 in the route's protocol), dispatch.
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);

    @Inject
    GatewayRequests requests;

    @Inject
    GatewayConfig config;

    @Inject
    BodyBudget bodyBudget;

    void register(@Observes Router router) {
        long limit = config.maxBodySize().asLongValue();
        for (String path : new String[] {"/v1beta/*", "/v1/*", "/v1alpha/*"}) {
            // Two routes, because Vert.x wants a body handler first on its route: the token check and the body
            // budget run before any byte of the body is read.
            router.route(path).order(-101).handler(this::authenticate).handler(this::reserveBody)
                    .failureHandler(this::failure);
            router.route(path).order(-100)
                    .handler(BodyHandler.create(false).setBodyLimit(limit).setHandleFileUploads(false))
                    .handler(requests::handle)
                    .failureHandler(this::failure);
        }
    }

    private void authenticate(RoutingContext ctx) {
        if (requests.authenticate(ctx)) {
            ctx.next();
        }
    }

    /**
     * Reserves the body's bytes in the in-flight budget before the body is read: a declared length above the limit is
     * 413 at once, a body that does not fit the budget now is 429 with Retry-After (the connection is closed, so the
     * unread body is not read either).
     */
    private void reserveBody(RoutingContext ctx) {
        long limit = config.maxBodySize().asLongValue();
        String length = ctx.request().getHeader("Content-Length");
        boolean chunked = ctx.request().getHeader("Transfer-Encoding") != null;
        long declared;
        if (length != null) {
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared < 0) {
                GatewayResponses.error(ctx, null, 400, "Content-Length is not a number of bytes", null, null);
                return;
            }
            if (declared > limit) {
                ctx.response().putHeader("Connection", "close");
                GatewayResponses.error(ctx, null, 413, tooLarge(), null, null);
                return;
            }
        } else {
            declared = chunked ? limit : 0;
        }
        long reserved = declared;
        if (reserved == 0) {
            ctx.next();
            return;
        }
        if (!bodyBudget.tryReserve(reserved)) {
            ctx.response().putHeader("Connection", "close");
            GatewayResponses.error(ctx, null, 429, "the gateway is holding as many request bodies as it may"
                    + " (GEMINI_POOL_MAX_BODY_BYTES_IN_FLIGHT); retry shortly", 1L, null);
            return;
        }
        ctx.addEndHandler(v -> bodyBudget.release(reserved));
        ctx.next();
    }

    private String tooLarge() {
        return "the request body is larger than the gateway's limit of " + config.maxBodySize().asLongValue()
                + " bytes (GEMINI_POOL_MAX_BODY_SIZE)";
    }

    private void failure(RoutingContext ctx) {
        if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
            // The client went away mid-body: nobody to answer, nothing unexpected.
            return;
        }
        int status = ctx.statusCode();
        if (status == 413) {
            GatewayResponses.error(ctx, null, 413, tooLarge(), null, null);
            return;
        }
        if (status >= 400 && status < 500) {
            GatewayResponses.error(ctx, null, status, "bad request", null, null);
            return;
        }
        LOG.errorf(ctx.failure(), "unexpected failure on %s %s", ctx.request().method(), ctx.request().path());
        GatewayResponses.error(ctx, null, 500, "internal gateway error", null, null);
    }
}
