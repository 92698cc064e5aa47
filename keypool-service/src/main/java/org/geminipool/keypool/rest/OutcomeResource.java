package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.geminipool.contract.lease.OutcomeBatch;
import org.geminipool.keypool.service.LeaseService;

import java.util.Map;

/** {@code POST /outcomes} (internal token): many lease outcomes in one call, each applied on its own. */
@Path("/outcomes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OutcomeResource {

    @Inject
    LeaseService leases;

    @POST
    public Uni<Map<String, Object>> outcomes(OutcomeBatch batch) {
        return Uni.createFrom().deferred(() -> leases.settleBatch(batch));
    }
}
