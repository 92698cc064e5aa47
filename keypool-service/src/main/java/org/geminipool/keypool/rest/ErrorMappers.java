package org.geminipool.keypool.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.keypool.service.ApiException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/** Every error is JSON {"error": "..."}; bad input is a 4xx, never a 5xx. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response.ResponseBuilder builder = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(e.body());
        if (e.retryAfter() != null) {
            builder.header("Retry-After", e.retryAfter());
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return error(400, malformed(e));
    }

    /** Overrides Quarkus' own mapper, whose body is not our {"error": ...} shape. */
    @ServerExceptionMapper(priority = 1)
    public Response mismatched(com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
        return error(400, malformed(e));
    }

    /** The 400's message for a body Jackson could not read: scrubbed and short (Jackson quotes the input). */
    static String malformed(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m) {
            String field = m.getPath().isEmpty() ? null : m.getPath().get(m.getPath().size() - 1).getFieldName();
            return field == null ? "malformed JSON body" : "malformed JSON body: wrong type for '" + field + "'";
        }
        String detail = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage();
        // Never echo something that could be a key.
        detail = org.geminipool.contract.ApiKeys.scrub(detail);
        if (detail.length() > 200) {
            detail = detail.substring(0, 200) + "…";
        }
        return "malformed JSON body: " + detail;
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        LOG.debugf("%d: %s", status, e.toString());
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException jpe) {
            return json(jpe);
        }
        String message = switch (status) {
            case 400 -> "bad request";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 406 -> "not acceptable";
            case 413 -> "request body too large";
            case 415 -> "unsupported media type";
            default -> e.getMessage() == null ? "error" : e.getMessage();
        };
        return error(status, message);
    }

    @ServerExceptionMapper
    public Response other(Throwable e) {
        if (e instanceof ApiException api) {
            return api(api);
        }
        LOG.errorf("internal error: %s", org.geminipool.contract.ApiKeys.scrub(e.toString()));
        return error(500, "internal error");
    }

    static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }
}
