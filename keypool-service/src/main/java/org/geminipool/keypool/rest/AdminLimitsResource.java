package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.keypool.quota.FamilyQuotas;
import org.geminipool.keypool.service.LimitsService;
import org.geminipool.keypool.service.LimitsService.Cleared;
import org.geminipool.keypool.service.LimitsService.FamilyBody;
import org.geminipool.keypool.service.LimitsService.LimitsView;

import java.util.List;

/** Admin API (admin token): limits in force with their sources, learned values, retirements, family defaults. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminLimitsResource {

    @Inject
    LimitsService limits;

    @GET
    @Path("/limits")
    public Uni<LimitsView> limits(@QueryParam("project") String project, @QueryParam("model") String model) {
        return Uni.createFrom().deferred(() -> limits.limits(project, model));
    }

    @DELETE
    @Path("/limits/learned")
    public Uni<Cleared> clearLearned(@QueryParam("project") String project, @QueryParam("model") String model) {
        return Uni.createFrom().deferred(() -> limits.clearLearned(project, model));
    }

    @DELETE
    @Path("/retirements")
    public Uni<Cleared> clearRetired(@QueryParam("project") String project, @QueryParam("model") String model) {
        return Uni.createFrom().deferred(() -> limits.clearRetired(project, model));
    }

    @GET
    @Path("/family-quotas")
    public Uni<List<FamilyQuotas.FamilyQuota>> families() {
        return limits.families();
    }

    @PUT
    @Path("/family-quotas/{pattern}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<FamilyQuotas.FamilyQuota> putFamily(@PathParam("pattern") String pattern, FamilyBody body) {
        return Uni.createFrom().deferred(() -> limits.putFamily(pattern, body));
    }

    @DELETE
    @Path("/family-quotas/{pattern}")
    public Uni<Response> deleteFamily(@PathParam("pattern") String pattern) {
        return Uni.createFrom().deferred(() -> limits.deleteFamily(pattern)).map(v -> Response.noContent().build());
    }
}
