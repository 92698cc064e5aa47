package org.geminipool.gateway.usage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.geminipool.contract.usage.UsageEvent;

import java.util.List;

/** usage-service's ingestion API (design §4). Used only through {@link UsageClient}. */
@RegisterRestClient(configKey = "usage")
@Path("/usage/events")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface UsageApi {

    record Batch(List<UsageEvent> events) {
    }

    @POST
    Response post(@HeaderParam("Authorization") String authorization, Batch batch);
}
