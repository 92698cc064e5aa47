package org.geminipool.usage.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.geminipool.usage.service.EventBatch;
import org.geminipool.usage.service.IngestResult;
import org.geminipool.usage.service.IngestService;

/** {@code POST /usage/events}: a batch of usage events from the gateway, idempotent on event id. */
@Path("/usage/events")
@InternalAuth
public class EventsResource {

    @Inject
    IngestService ingest;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<IngestResult> post(EventBatch batch) {
        return ingest.ingest(batch);
    }
}
