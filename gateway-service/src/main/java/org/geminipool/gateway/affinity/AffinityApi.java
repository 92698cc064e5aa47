package org.geminipool.gateway.affinity;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.geminipool.contract.affinity.ObjectLookup;
import org.geminipool.contract.affinity.StoredObject;

/** keypool-service's internal affinity API (keypool README, "Affinity"). Used only through {@link Affinity}. */
@RegisterRestClient(configKey = "keypool")
@Path("/objects")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface AffinityApi {

    @POST
    Uni<Response> record(@HeaderParam("Authorization") String authorization, StoredObject object);

    @POST
    @Path("/lookup")
    Uni<Response> lookup(@HeaderParam("Authorization") String authorization, ObjectLookup lookup);

    @GET
    Uni<Response> list(@HeaderParam("Authorization") String authorization, @QueryParam("owner") String owner,
                       @QueryParam("kind") String kind, @QueryParam("limit") Integer limit);

    @GET
    @Path("/project")
    Uni<Response> ownerProject(@HeaderParam("Authorization") String authorization, @QueryParam("owner") String owner);

    @DELETE
    Uni<Response> forget(@HeaderParam("Authorization") String authorization, @QueryParam("name") String name,
                         @QueryParam("owner") String owner);
}
