package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.keypool.repository.KeySqlRepository.KeyView;
import org.geminipool.keypool.service.KeyAdminService;
import org.geminipool.keypool.service.KeyAdminService.ImportResult;
import org.geminipool.keypool.service.KeyAdminService.KeyPatch;
import org.geminipool.keypool.service.QuotaService;
import org.geminipool.keypool.service.QuotaService.QuotaBody;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Admin API (admin token), design §10. Keys are only ever shown masked. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminKeyResource {

    @Inject
    KeyAdminService keys;
    @Inject
    QuotaService quotas;

    @POST
    @Path("/keys/import")
    @Consumes(MediaType.TEXT_PLAIN)
    public Uni<ImportResult> importKeys(String body, @QueryParam("pool") String pool,
                                        @QueryParam("project") String project) {
        return Uni.createFrom().deferred(() -> keys.importKeys(body, pool, project));
    }

    @GET
    @Path("/keys")
    public Uni<List<Map<String, Object>>> list(@QueryParam("pool") String pool, @QueryParam("state") String state,
                                               @QueryParam("project") String project) {
        return Uni.createFrom().deferred(() -> keys.list(pool, state, project))
                .map(list -> list.stream().map(AdminKeyResource::view).toList());
    }

    @GET
    @Path("/keys/{id}")
    public Uni<Map<String, Object>> get(@PathParam("id") String id) {
        return Uni.createFrom().deferred(() -> keys.get(id)).map(AdminKeyResource::view);
    }

    @PATCH
    @Path("/keys/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> patch(@PathParam("id") String id, KeyPatch patch) {
        return Uni.createFrom().deferred(() -> keys.patch(id, patch)).map(AdminKeyResource::view);
    }

    @DELETE
    @Path("/keys/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return Uni.createFrom().deferred(() -> keys.delete(id)).map(v -> Response.noContent().build());
    }

    @GET
    @Path("/pools")
    public Uni<List<Map<String, Object>>> pools() {
        return keys.pools();
    }

    @GET
    @Path("/pools/{pool}/capacity")
    public Uni<Map<String, Object>> capacity(@PathParam("pool") String pool) {
        return Uni.createFrom().deferred(() -> keys.capacity(pool));
    }

    @GET
    @Path("/quotas")
    public Uni<Map<String, Object>> quotas() {
        return quotas.table();
    }

    @PUT
    @Path("/quotas/{model}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> putQuota(@PathParam("model") String model, QuotaBody body) {
        return Uni.createFrom().deferred(() -> quotas.putDefault(model, body));
    }

    @PUT
    @Path("/projects/{project}/quotas/{model}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> putProjectQuota(@PathParam("project") String project,
                                                    @PathParam("model") String model, QuotaBody body) {
        return Uni.createFrom().deferred(() -> quotas.putProject(project, model, body));
    }

    static Map<String, Object> view(KeyView k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", String.valueOf(k.id()));
        m.put("masked", k.masked());
        m.put("fingerprint", k.fingerprint());
        m.put("project", k.project());
        m.put("pools", k.pools());
        m.put("state", k.state());
        m.put("stateReason", k.stateReason());
        m.put("stateChangedAt", Instant.ofEpochMilli(k.stateChangedAtMs()).toString());
        m.put("failureStreak", k.failureStreak());
        m.put("lastCheckedAt", k.lastCheckedAtMs() == null ? null : Instant.ofEpochMilli(k.lastCheckedAtMs()).toString());
        m.put("lastCheckResult", k.lastCheckResult());
        m.put("createdAt", Instant.ofEpochMilli(k.createdAtMs()).toString());
        return m;
    }
}
