package org.geminipool.keypool.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.contract.affinity.ObjectKind;
import org.geminipool.contract.affinity.ObjectNames;
import org.geminipool.contract.affinity.OwnerProject;
import org.geminipool.contract.affinity.PinnedObject;
import org.geminipool.contract.affinity.PinnedObjectsPage;
import org.geminipool.contract.affinity.StoredObject;
import org.geminipool.contract.affinity.StoredObjects;
import org.geminipool.keypool.repository.AffinityRepository;
import org.geminipool.keypool.repository.AffinityRepository.ObjectRow;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Affinity (design §2): the keypool holds, for every object a call through the pool created, the project and key that
 * created it and the client token that owns it, because the keypool has the database and the keys (a gateway has
 * neither and may run as several replicas). The gateway records an object after Google answered its creation, looks
 * up the objects a request names before it leases (then leases with {@code project}), lists an owner's objects, and
 * forgets one after Google deleted it. Every input is validated: names by {@link ObjectNames}, at most
 * {@link ObjectNames#MAX_LOOKUP} per lookup, expiry within {@link #MAX_LIFETIME}.
 */
@ApplicationScoped
public class AffinityService {

    /** Longest an object is remembered (File Search stores do not expire at Google; ten years is "for good"). */
    static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    @Inject
    AffinityRepository repository;

    @Inject
    TimeSource time;

    public Uni<Void> record(StoredObject object) {
        if (object == null) {
            throw ApiException.badRequest("a JSON body {\"name\",\"kind\",\"keyId\",\"owner\",\"expiresAt\"} is required");
        }
        requireName(object.name());
        requireOwner(object.owner());
        String kind = kind(object.kind(), object.name());
        long keyId;
        try {
            keyId = Long.parseLong(object.keyId() == null ? "" : object.keyId());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("keyId must be a key id");
        }
        long now = time.nowMillis();
        long expires = expiry(object.expiresAt(), now);
        return repository.projectOfKey(keyId).flatMap(projectId -> {
            if (projectId == null) {
                throw ApiException.notFound("unknown key " + keyId);
            }
            return repository.record(object.name(), kind, keyId, projectId, object.owner(), now, expires);
        }).flatMap(recorded -> {
            if (!recorded) {
                throw ApiException.error(409, "object " + object.name() + " is recorded for another client token");
            }
            return repository.pruneExpired(now).replaceWithVoid();
        });
    }

    public Uni<StoredObjects> lookup(List<String> names) {
        if (names == null || names.isEmpty()) {
            return Uni.createFrom().item(new StoredObjects(List.of()));
        }
        if (names.size() > ObjectNames.MAX_LOOKUP) {
            throw ApiException.badRequest("at most " + ObjectNames.MAX_LOOKUP + " names per lookup");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String name : names) {
            requireName(name);
            unique.add(name);
        }
        return repository.find(List.copyOf(unique), time.nowMillis()).map(AffinityService::answer);
    }

    public Uni<StoredObjects> list(String owner, String kind, Integer limit) {
        requireOwner(owner);
        String k = kind(kind, null);
        int n = limit == null ? ObjectNames.MAX_LIST : limit;
        if (n < 1 || n > ObjectNames.MAX_LIST) {
            throw ApiException.badRequest("limit must be between 1 and " + ObjectNames.MAX_LIST);
        }
        return repository.list(owner, k, time.nowMillis(), n).map(AffinityService::answer);
    }

    /**
     * The admin's paged read ({@code GET /admin/objects}, the console's Objects page): live objects by project, newest
     * first, optionally of one project and one kind; key ids and owner token ids only, never a key or a token.
     */
    public Uni<PinnedObjectsPage> page(String project, String kind, Integer offset, Integer limit) {
        String p = project == null || project.isBlank() ? null : project.trim();
        if (p != null && p.length() > 128) {
            throw ApiException.badRequest("project is at most 128 characters");
        }
        String k = kind == null || kind.isBlank() ? null : kind(kind.trim(), null);
        int from = offset == null ? 0 : offset;
        int n = limit == null ? 100 : limit;
        if (from < 0) {
            throw ApiException.badRequest("offset must be 0 or more");
        }
        if (n < 1 || n > PinnedObjectsPage.MAX_PAGE) {
            throw ApiException.badRequest("limit must be between 1 and " + PinnedObjectsPage.MAX_PAGE);
        }
        return repository.page(p, k, time.nowMillis(), from, n).map(rows -> {
            List<PinnedObject> out = rows.stream().limit(n).map(r -> new PinnedObject(r.name(), r.kind(), r.project(),
                    String.valueOf(r.keyId()), r.owner(), Instant.ofEpochMilli(r.createdAtMs()).toString(),
                    Instant.ofEpochMilli(r.expiresAtMs()).toString())).toList();
            return new PinnedObjectsPage(out, rows.size() > n ? from + n : null);
        });
    }

    /** The project of the owner's newest live object (the gateway steers the owner's next object-less create there). */
    public Uni<OwnerProject> ownerProject(String owner) {
        requireOwner(owner);
        return repository.newestProject(owner, time.nowMillis()).map(OwnerProject::new);
    }

    public Uni<Boolean> forget(String name, String owner) {
        requireName(name);
        requireOwner(owner);
        return repository.forget(name, owner);
    }

    private static StoredObjects answer(List<ObjectRow> rows) {
        return new StoredObjects(rows.stream().map(r -> new StoredObject(r.name(), r.kind(), String.valueOf(r.keyId()),
                r.project(), r.owner(), Instant.ofEpochMilli(r.expiresAtMs()).toString())).toList());
    }

    private static void requireName(String name) {
        if (!ObjectNames.valid(name)) {
            throw ApiException.badRequest("an object name is 1-" + ObjectNames.MAX_LENGTH + " characters of"
                    + " slash-separated segments of [A-Za-z0-9._~-] (no empty, '.' or '..' segment)");
        }
    }

    private static void requireOwner(String owner) {
        if (!ObjectNames.validOwner(owner)) {
            throw ApiException.badRequest("owner must be a client token id (1-64 characters of [A-Za-z0-9_-])");
        }
    }

    private static String kind(String kind, String name) {
        if (kind == null || kind.isBlank()) {
            if (name == null) {
                throw ApiException.badRequest("kind is required: one of " + List.of(ObjectKind.values()));
            }
            return ObjectNames.kindOf(name).name();
        }
        try {
            return ObjectKind.valueOf(kind).name();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("kind must be one of " + List.of(ObjectKind.values()));
        }
    }

    private static long expiry(String expiresAt, long now) {
        if (expiresAt == null) {
            throw ApiException.badRequest("expiresAt is required (an ISO-8601 instant)");
        }
        long at;
        try {
            at = Instant.parse(expiresAt).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiException.badRequest("expiresAt must be an ISO-8601 instant");
        }
        if (at <= now) {
            throw ApiException.badRequest("expiresAt must be in the future");
        }
        return Math.min(at, now + MAX_LIFETIME.toMillis());
    }
}
