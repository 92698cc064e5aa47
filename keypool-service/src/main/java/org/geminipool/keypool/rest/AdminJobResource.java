package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.geminipool.keypool.scheduler.KeypoolJobs;
import org.geminipool.keypool.service.RevalidationService;
import org.geminipool.keypool.service.RevalidationService.VerifyResult;

import java.util.List;
import java.util.Map;

/** Admin: verify keys now; run a scheduled job now (through the same one-replica lock as the scheduler). */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminJobResource {

    public record VerifyBody(List<String> ids) {
    }

    @Inject
    RevalidationService revalidation;
    @Inject
    KeypoolJobs jobs;
    @Inject
    com.fasterxml.jackson.databind.ObjectMapper mapper;

    @POST
    @Path("/keys/{id}/verify")
    public Uni<VerifyResult> verify(@PathParam("id") String id) {
        return Uni.createFrom().deferred(() -> revalidation.verify(id));
    }

    /** Body {"ids":[...]} checks those keys; no body (or no ids) checks every key. */
    @POST
    @Path("/keys/verify")
    @Consumes(MediaType.WILDCARD)
    public Uni<Map<String, Object>> verifyMany(String text) throws com.fasterxml.jackson.core.JsonProcessingException {
        VerifyBody body = text == null || text.isBlank() ? null : mapper.readValue(text, VerifyBody.class);
        return Uni.createFrom().deferred(() -> revalidation.verifyMany(body == null ? null : body.ids()))
                .map(results -> Map.of("checked", results.size(), "results", results));
    }

    @POST
    @Path("/jobs/{job}/run")
    public Uni<Map<String, Object>> run(@PathParam("job") String job) {
        return Uni.createFrom().deferred(() -> jobs.run(job)).map(result -> Map.of("job", job, "result", result.name()));
    }
}
