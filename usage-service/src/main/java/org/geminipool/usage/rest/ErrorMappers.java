package org.geminipool.usage.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.usage.service.UsageRequestException;
import io.vertx.sqlclient.ClosedConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.ConnectException;

import java.util.Map;

/** Every 4xx is {@code {"error": "..."}} JSON; a database that cannot be reached is a 503, not a 500. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }

    @ServerExceptionMapper
    public Response badRequest(UsageRequestException e) {
        if (!e.refused().isEmpty()) {
            return Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", e.getMessage(), "rejected", e.refused())).build();
        }
        return error(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String path = e.getPath().isEmpty() ? "" : " at " + path(e);
        return error(400, "malformed JSON body" + path + ": " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        return error(400, "malformed JSON body: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof MismatchedInputException m) {
                return mismatched(m);
            }
            if (cause instanceof JsonProcessingException j) {
                return malformed(j);
            }
        }
        if (status >= 500) {
            return e.getResponse();
        }
        String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        return error(status, message);
    }

    /** Anything else: 503 when the database is out of reach (the caller retries later), 500 otherwise. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException) {
                LOG.warnf("database unavailable: %s", cause.getMessage());
                return error(503, "database unavailable, retry later");
            }
        }
        LOG.error("internal error", e);
        return error(500, "internal error");
    }

    private static String path(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
