package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.keypool.service.LeaseService;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.lease.OutcomeReport;

/** Internal API for the gateway (internal token): leases and their outcomes. */
@Path("/leases")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LeaseResource {

    @Inject
    LeaseService leases;

    @POST
    public Uni<LeaseGrant> lease(LeaseRequest request) {
        return Uni.createFrom().deferred(() -> leases.lease(request));
    }

    @POST
    @Path("/{leaseId}/outcome")
    public Uni<Response> outcome(@PathParam("leaseId") String leaseId, OutcomeReport request) {
        return Uni.createFrom().deferred(() -> leases.settle(leaseId, request))
                .map(v -> Response.noContent().build());
    }
}
