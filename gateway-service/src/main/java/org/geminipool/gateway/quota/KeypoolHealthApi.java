package org.geminipool.gateway.quota;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** keypool-service's own readiness, used for the gateway's readiness. */
@RegisterRestClient(configKey = "keypool")
@Path("/q/health")
public interface KeypoolHealthApi {

    @GET
    @Path("/ready")
    Uni<Response> ready();
}
