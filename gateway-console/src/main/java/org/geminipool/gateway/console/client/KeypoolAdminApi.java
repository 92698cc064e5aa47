package org.geminipool.gateway.console.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * keypool-service's admin API (design §10). Answers are taken as raw responses (status + JSON text) so a 4xx is data
 * for the page, whatever the application's REST client exception mapping. Used only through
 * {@link KeypoolAdminClient}.
 */
@RegisterRestClient(configKey = "console-keypool")
@Path("/admin")
public interface KeypoolAdminApi {

    @GET
    @Path("/keys")
    Response keys(@HeaderParam("Authorization") String auth, @QueryParam("pool") String pool,
                  @QueryParam("state") String state, @QueryParam("project") String project);

    @GET
    @Path("/keys/{id}")
    Response key(@HeaderParam("Authorization") String auth, @PathParam("id") String id);

    @PATCH
    @Path("/keys/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response patch(@HeaderParam("Authorization") String auth, @PathParam("id") String id, String jsonBody);

    @DELETE
    @Path("/keys/{id}")
    Response delete(@HeaderParam("Authorization") String auth, @PathParam("id") String id);

    @POST
    @Path("/keys/import")
    @Consumes(MediaType.TEXT_PLAIN)
    Response importKeys(@HeaderParam("Authorization") String auth, @QueryParam("pool") String pool,
                        @QueryParam("project") String project, String body);

    @POST
    @Path("/keys/{id}/verify")
    Response verify(@HeaderParam("Authorization") String auth, @PathParam("id") String id);

    @GET
    @Path("/pools")
    Response pools(@HeaderParam("Authorization") String auth);

    @GET
    @Path("/pools/{pool}/capacity")
    Response capacity(@HeaderParam("Authorization") String auth, @PathParam("pool") String pool);

    @GET
    @Path("/quotas")
    Response quotas(@HeaderParam("Authorization") String auth);

    @GET
    @Path("/limits")
    Response limits(@HeaderParam("Authorization") String auth);

    @GET
    @Path("/objects")
    Response objects(@HeaderParam("Authorization") String auth, @QueryParam("project") String project,
                     @QueryParam("kind") String kind, @QueryParam("offset") Integer offset,
                     @QueryParam("limit") Integer limit);
}
