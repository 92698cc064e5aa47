package org.geminipool.usage.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.usage.service.StoredResponses;

import java.util.regex.Pattern;

/**
 * {@code /internal/responses/{id}} (internal token): the gateway's stored Responses-API answers, so that every gateway
 * replica finds a response stored by another. Every call names the owner (the client token id); another owner's
 * response is answered as unknown (404), never shown.
 */
@Path("/internal/responses/{id}")
@InternalAuth
public class StoredResponsesResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** What the gateway stores. */
    public record Entry(String owner, String project, String data) {
    }

    @Inject
    StoredResponses store;

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> put(@PathParam("id") String id, Entry entry) {
        if (!ID.matcher(id).matches() || entry == null || entry.owner() == null || !OWNER.matcher(entry.owner()).matches()
                || entry.data() == null || entry.data().isEmpty()
                || (entry.project() != null && !PROJECT.matcher(entry.project()).matches())) {
            return Uni.createFrom().item(ErrorMappers.error(400, "id, owner and data are required"
                    + " (id [A-Za-z0-9_-]{1,100}, owner [A-Za-z0-9_-]{1,64})"));
        }
        if (entry.data().length() > StoredResponses.MAX_DATA_CHARS) {
            return Uni.createFrom().item(ErrorMappers.error(413, "data is longer than " + StoredResponses.MAX_DATA_CHARS
                    + " characters"));
        }
        return store.put(id, entry.owner(), entry.project(), entry.data()).map(ok -> ok
                ? Response.noContent().build()
                : ErrorMappers.error(409, "this response id belongs to another client"));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> get(@PathParam("id") String id, @QueryParam("owner") String owner) {
        if (!ID.matcher(id).matches() || owner == null || !OWNER.matcher(owner).matches()) {
            return Uni.createFrom().item(ErrorMappers.error(400, "id and owner are required"));
        }
        return store.get(id, owner).map(s -> s == null
                ? ErrorMappers.error(404, "no stored response " + id)
                : Response.ok(new Entry(s.owner(), s.project(), s.data())).build());
    }

    @DELETE
    public Uni<Response> delete(@PathParam("id") String id, @QueryParam("owner") String owner) {
        if (!ID.matcher(id).matches() || owner == null || !OWNER.matcher(owner).matches()) {
            return Uni.createFrom().item(ErrorMappers.error(400, "id and owner are required"));
        }
        return store.delete(id, owner).map(found -> found ? Response.noContent().build()
                : ErrorMappers.error(404, "no stored response " + id));
    }
}
