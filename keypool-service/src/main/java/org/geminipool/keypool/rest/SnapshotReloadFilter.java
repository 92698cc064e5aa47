package org.geminipool.keypool.rest;

import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.geminipool.keypool.snapshot.Snapshots;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every admin call that may write (any method but GET/HEAD under {@code /admin}) reloads this replica's snapshot before
 * its answer goes out, so the next lease here sees the change; other replicas see it through the change counter.
 */
public class SnapshotReloadFilter {

    @Inject
    Snapshots snapshots;

    @ServerResponseFilter
    public Uni<Void> afterAdminWrite(ContainerRequestContext request, ContainerResponseContext response) {
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        if ("GET".equals(method) || "HEAD".equals(method) || !(path.equals("/admin") || path.startsWith("/admin/"))
                || response.getStatus() >= 400) {
            return Uni.createFrom().voidItem();
        }
        return snapshots.reload().onFailure().recoverWithNull();
    }
}
