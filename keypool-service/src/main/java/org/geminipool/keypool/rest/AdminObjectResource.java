package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.geminipool.contract.affinity.PinnedObjectsPage;
import org.geminipool.keypool.service.AffinityService;

/**
 * Admin API (admin token): the stored objects the pool pinned to their project (keypool README, "Affinity"), paged —
 * what the console's Objects page shows.
 */
@Path("/admin/objects")
@Produces(MediaType.APPLICATION_JSON)
public class AdminObjectResource {

    @Inject
    AffinityService affinity;

    @GET
    public Uni<PinnedObjectsPage> page(@QueryParam("project") String project, @QueryParam("kind") String kind,
                                       @QueryParam("offset") Integer offset, @QueryParam("limit") Integer limit) {
        return Uni.createFrom().deferred(() -> affinity.page(project, kind, offset, limit));
    }
}
