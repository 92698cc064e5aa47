package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.contract.affinity.ObjectLookup;
import org.geminipool.contract.affinity.OwnerProject;
import org.geminipool.contract.affinity.StoredObject;
import org.geminipool.contract.affinity.StoredObjects;
import org.geminipool.keypool.service.AffinityService;

/** Internal API for the gateway (internal token): the stored objects of affinity (keypool README, "Affinity"). */
@Path("/objects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ObjectResource {

    @Inject
    AffinityService affinity;

    @POST
    public Uni<Response> record(StoredObject object) {
        return Uni.createFrom().deferred(() -> affinity.record(object)).map(v -> Response.noContent().build());
    }

    @POST
    @Path("/lookup")
    public Uni<StoredObjects> lookup(ObjectLookup lookup) {
        return Uni.createFrom().deferred(() -> affinity.lookup(lookup == null ? null : lookup.names()));
    }

    @GET
    public Uni<StoredObjects> list(@QueryParam("owner") String owner, @QueryParam("kind") String kind,
                                   @QueryParam("limit") Integer limit) {
        return Uni.createFrom().deferred(() -> affinity.list(owner, kind, limit));
    }

    @GET
    @Path("/project")
    public Uni<OwnerProject> ownerProject(@QueryParam("owner") String owner) {
        return Uni.createFrom().deferred(() -> affinity.ownerProject(owner));
    }

    @DELETE
    public Uni<Response> forget(@QueryParam("name") String name, @QueryParam("owner") String owner) {
        return Uni.createFrom().deferred(() -> affinity.forget(name, owner))
                .map(gone -> Response.status(gone ? 204 : 404).build());
    }
}
