package org.geminipool.keypool.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Google's models.list: costs no generation quota, and tells a valid key from an invalid or suspended one. */
@RegisterRestClient(configKey = "gemini")
@Path("/v1beta")
public interface GeminiModelsApi {

    @GET
    @Path("/models")
    Uni<Response> listModels(@HeaderParam("x-goog-api-key") String apiKey, @QueryParam("pageSize") int pageSize);
}
