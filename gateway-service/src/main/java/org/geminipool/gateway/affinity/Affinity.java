package org.geminipool.gateway.affinity;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.geminipool.contract.affinity.ObjectKind;
import org.geminipool.contract.affinity.ObjectLookup;
import org.geminipool.contract.affinity.ObjectNames;
import org.geminipool.contract.affinity.OwnerProject;
import org.geminipool.contract.affinity.StoredObject;
import org.geminipool.contract.affinity.StoredObjects;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.quota.KeypoolUnavailableException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's side of affinity (design §2; the keypool holds the records, keypool README "Affinity"): look up the
 * objects a request names and decide which project must serve it ({@link #pin}), record what a call created, list an
 * owner's objects, forget a deleted one. Bounded in time; a keypool that does not answer fails the Uni with
 * {@link KeypoolUnavailableException} (the caller answers 503).
 */
@ApplicationScoped
public class Affinity {

    private static final Logger LOG = Logger.getLogger(Affinity.class);

    /** How long an object is remembered when Google's answer names no expiry (design decision, README "Affinity"). */
    static Duration defaultLifetime(ObjectKind kind) {
        return switch (kind) {
            case FILE -> Duration.ofHours(48);
            case CACHE -> Duration.ofHours(1);
            case UPLOAD -> Duration.ofDays(7);
            case INTERACTION -> Duration.ofDays(55);
            case BATCH, OPERATION -> Duration.ofDays(30);
            case VIDEO -> Duration.ofDays(2);
            // Google: an ephemeral token expires within 20 h at most; a resumption handle is kept a day (unpublished).
            case AUTH_TOKEN -> Duration.ofHours(20);
            case LIVE_HANDLE -> Duration.ofHours(24);
            case FILE_SEARCH_STORE, DOCUMENT, OTHER -> Duration.ofDays(3650);
        };
    }

    /** Where a request must go: nowhere in particular, one project, or refused with a 4xx that says why. */
    public sealed interface Pin {
        record Free() implements Pin {
        }

        /** Every named object is of {@code project}; {@code owner} = the objects' owner (for key-less chunks). */
        record Project(String project, String owner, List<String> names) implements Pin {
        }

        record Refused(int status, String message) implements Pin {
        }
    }

    @Inject
    @RestClient
    AffinityApi api;

    @Inject
    GatewayConfig config;

    /**
     * The pin of a request naming {@code names} for client {@code owner} (null for a resumable chunk sent without a
     * token: its upload id is the capability, and the upload's owner is taken).
     */
    @Timeout(4000)
    public Uni<Pin> pin(Collection<String> names, String owner) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(new Pin.Free());
        }
        if (names.size() > ObjectNames.MAX_LOOKUP) {
            return Uni.createFrom().item(new Pin.Refused(400, "this request names " + names.size()
                    + " stored objects; at most " + ObjectNames.MAX_LOOKUP + " per request"));
        }
        Map<String, String> recordOf = new LinkedHashMap<>();
        for (String n : names) {
            recordOf.put(n, ObjectRefs.ownerName(n));
        }
        List<String> lookup = recordOf.values().stream().distinct().toList();
        return api.lookup(authorization(), new ObjectLookup(lookup)).map(r -> {
            StoredObjects found = read(r, StoredObjects.class, "lookup");
            return decide(recordOf, found == null ? List.of() : found.objects(), owner);
        });
    }

    /** The pin of a lookup's answer (pure; unit-tested). */
    static Pin decide(Map<String, String> recordOf, List<StoredObject> found, String owner) {
        Map<String, StoredObject> byName = new LinkedHashMap<>();
        for (StoredObject o : found) {
            byName.put(o.name(), o);
        }
        String project = null;
        String first = null;
        String objectsOwner = owner;
        for (Map.Entry<String, String> e : recordOf.entrySet()) {
            StoredObject o = byName.get(e.getValue());
            // Another client's object is answered exactly like one the pool never saw: nothing is revealed.
            if (o == null || (owner != null && !owner.equals(o.owner()))) {
                return new Pin.Refused(404, e.getKey() + " is not known to this pool for this client token: it was not"
                        + " created through the pool with this token, or it expired or was deleted. Google lets only"
                        + " the project that created an object use it, so the pool cannot pick a key for it.");
            }
            if (objectsOwner == null) {
                objectsOwner = o.owner();
            }
            if (project == null) {
                project = o.project();
                first = e.getKey();
            } else if (!project.equals(o.project())) {
                return new Pin.Refused(400, "this request names objects created by two different Google projects ("
                        + first + " and " + e.getKey() + "); Google lets only the project that created an object use it,"
                        + " so no key can serve both. Create them through one request chain (for example upload the"
                        + " file again, or create the cache with the file's project) and retry.");
            }
        }
        return new Pin.Project(project, objectsOwner, List.copyOf(recordOf.keySet()));
    }

    /** Records one created object; completes when the keypool has it (the client's next call must find it). */
    @Timeout(4000)
    public Uni<Void> record(String name, String keyId, String owner, Instant expiresAt) {
        if (!ObjectNames.valid(name) || !ObjectNames.validOwner(owner) || keyId == null) {
            return Uni.createFrom().voidItem();
        }
        ObjectKind kind = ObjectNames.kindOf(name);
        Instant expiry = expiresAt != null && expiresAt.isAfter(Instant.now()) ? expiresAt
                : Instant.now().plus(defaultLifetime(kind));
        return api.record(authorization(), new StoredObject(name, kind.name(), keyId, null, owner, expiry.toString()))
                .map(r -> {
                    if (r.getStatus() >= 500 || r.getStatus() == 401 || r.getStatus() == 403) {
                        throw new KeypoolUnavailableException("keypool answered " + r.getStatus() + " to a record");
                    }
                    if (r.getStatus() >= 300) {
                        LOG.warnf("object %s not recorded: keypool answered %d", name, r.getStatus());
                    }
                    return null;
                });
    }

    /** An owner's live objects of one kind (newest first, at most 1000). */
    @Timeout(4000)
    public Uni<List<StoredObject>> list(String owner, ObjectKind kind) {
        return api.list(authorization(), owner, kind.name(), ObjectNames.MAX_LIST).map(r -> {
            StoredObjects found = read(r, StoredObjects.class, "list");
            return found == null ? new ArrayList<>() : found.objects();
        });
    }

    /**
     * The project of the owner's newest live object, or null (none, or an invalid owner): where the owner's next
     * create that names no object is steered first (README "Affinity", steering of creates).
     */
    @Timeout(4000)
    public Uni<String> preferredProject(String owner) {
        if (!ObjectNames.validOwner(owner)) {
            return Uni.createFrom().nullItem();
        }
        return api.ownerProject(authorization(), owner).map(r -> {
            OwnerProject found = read(r, OwnerProject.class, "project");
            return found == null ? null : found.project();
        });
    }

    @Timeout(4000)
    public Uni<Void> forget(String name, String owner) {
        return api.forget(authorization(), name, owner).replaceWithVoid();
    }

    private String authorization() {
        return "Bearer " + config.internalToken().orElse("");
    }

    private static <T> T read(Response r, Class<T> type, String what) {
        int status = r.getStatus();
        if (status == 200) {
            return r.readEntity(type);
        }
        if (status >= 400 && status < 500 && status != 401 && status != 403) {
            return null;
        }
        throw new KeypoolUnavailableException("keypool answered " + status + " to an object " + what);
    }
}
