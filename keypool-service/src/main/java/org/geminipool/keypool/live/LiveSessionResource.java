package org.geminipool.keypool.live;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.geminipool.contract.live.LiveHeartbeat;
import org.geminipool.contract.live.LiveSlotGrant;
import org.geminipool.contract.live.LiveSlotLimit;
import org.geminipool.contract.live.LiveSlotRefusal;
import org.geminipool.contract.live.LiveSlotRequest;

/** Internal API for the gateway (internal token): Live API session slots (keypool README, "Live sessions"). */
@Path("/live-sessions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LiveSessionResource {

    @Inject
    LiveSessionService sessions;

    @POST
    public Uni<LiveSlotGrant> open(LiveSlotRequest request) {
        return Uni.createFrom().deferred(() -> sessions.open(request));
    }

    @POST
    @Path("/heartbeat")
    public Uni<LiveHeartbeat.Renewed> heartbeat(LiveHeartbeat beat) {
        return Uni.createFrom().deferred(() -> sessions.heartbeat(beat));
    }

    @POST
    @Path("/{id}/refused")
    public Uni<LiveSlotLimit> refused(@PathParam("id") String id, LiveSlotRefusal refusal) {
        return Uni.createFrom().deferred(() -> sessions.refused(id, refusal));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> close(@PathParam("id") String id) {
        return Uni.createFrom().deferred(() -> sessions.close(id)).map(v -> Response.noContent().build());
    }
}
