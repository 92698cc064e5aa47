package org.geminipool.gateway.quota;

import org.geminipool.contract.lease.OutcomeReport;
import org.geminipool.contract.lease.LeaseRequest;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** keypool-service's internal lease API (design §3). Used only through {@link KeypoolClient}. */
@RegisterRestClient(configKey = "keypool")
@Path("/leases")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface KeypoolApi {

    @POST
    Uni<Response> lease(@HeaderParam("Authorization") String authorization, LeaseRequest request);

    @POST
    @Path("/{leaseId}/outcome")
    Uni<Response> outcome(@HeaderParam("Authorization") String authorization, @PathParam("leaseId") String leaseId,
                          OutcomeReport report);
}
