package org.geminipool.gateway.console.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** usage-service's query API (usage-service/README.md). Used only through {@link UsageAdminClient}. */
@RegisterRestClient(configKey = "console-usage")
@Path("/usage")
public interface UsageAdminApi {

    @GET
    @Path("/daily")
    Response daily(@HeaderParam("Authorization") String auth, @HeaderParam("Accept") String accept,
                   @QueryParam("date") String date, @QueryParam("keyId") String keyId, @QueryParam("model") String model);

    @GET
    @Path("/clients")
    Response clients(@HeaderParam("Authorization") String auth, @HeaderParam("Accept") String accept,
                     @QueryParam("date") String date);

    @GET
    @Path("/summary")
    Response summary(@HeaderParam("Authorization") String auth, @QueryParam("from") String from,
                     @QueryParam("to") String to);

    @GET
    @Path("/hourly")
    Response hourly(@HeaderParam("Authorization") String auth, @QueryParam("hours") Integer hours);

    @GET
    @Path("/routes")
    Response routes(@HeaderParam("Authorization") String auth, @QueryParam("date") String date);
}
