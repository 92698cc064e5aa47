package org.geminipool.keypool.live;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.contract.ApiKeys;
import org.geminipool.contract.ModelNames;
import org.geminipool.contract.affinity.ObjectNames;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.live.LiveHeartbeat;
import org.geminipool.contract.live.LiveSlotGrant;
import org.geminipool.contract.live.LiveSlotLimit;
import org.geminipool.contract.live.LiveSlotRefusal;
import org.geminipool.contract.live.LiveSlotRequest;
import org.geminipool.keypool.service.ApiException;
import org.geminipool.keypool.service.LeaseService;
import org.geminipool.keypool.service.TimeSource;
import org.geminipool.keypool.snapshot.Catalog;
import org.geminipool.keypool.snapshot.Snapshots;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Live API session slots (keypool README, "Live sessions"): a setup takes a slot of a project below its
 * concurrent-session limit and leases a key of that project through the ordinary lease path (the setup is one request
 * against the model's minute and day buckets); the gateway heartbeats the slot while the session runs and frees it when
 * it ends. Google's refusal at setup (1011 with the quota text) teaches the project's limit.
 */
@ApplicationScoped
public class LiveSessionService {

    private static final Logger LOG = Logger.getLogger(LiveSessionService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
    static final int MAX_LIST = 256;
    static final int MAX_HEARTBEAT = 10_000;

    @Inject
    LiveSessionRepository repository;
    @Inject
    LeaseService leases;
    @Inject
    Snapshots snapshots;
    @Inject
    TimeSource time;
    @Inject
    LiveConfig config;

    public Uni<LiveSlotGrant> open(LiveSlotRequest request) {
        if (request == null) {
            throw ApiException.badRequest("a JSON body {\"model\",\"pool\",\"project\",\"owner\"} is required");
        }
        String model = blankToNull(request.model());
        if (model == null || !NAME.matcher(model).matches()) {
            throw ApiException.badRequest("model must be 1-128 characters of [A-Za-z0-9._:/-]");
        }
        String bare = ModelNames.bare(model);
        String pool = blankToNull(request.pool());
        if (pool != null && !NAME.matcher(pool).matches()) {
            throw ApiException.badRequest("pool must be 1-128 characters of [A-Za-z0-9._:/-]");
        }
        String project = blankToNull(request.project());
        if (project != null && !PROJECT.matcher(project).matches()) {
            throw ApiException.badRequest("project must be 1-128 characters of [A-Za-z0-9._:/@-]");
        }
        String owner = blankToNull(request.owner());
        if (owner != null && !ObjectNames.validOwner(owner)) {
            throw ApiException.badRequest("owner must be a client token id ([A-Za-z0-9_-]{1,64})");
        }
        List<String> excludePools = names(request.excludePools(), NAME, "excludePools");
        List<String> excludeProjects = names(request.excludeProjects(), PROJECT, "excludeProjects");
        if (request.requestId() != null && request.requestId().length() > 128) {
            throw ApiException.badRequest("requestId must be at most 128 characters");
        }
        return snapshots.catalog().flatMap(catalog -> {
            Catalog.Spec spec = new Catalog.Spec(pool, pool == null ? excludePools : List.of(), project);
            Map<Long, String> projects = new LinkedHashMap<>();
            for (Catalog.Group g : catalog.groups(spec)) {
                if (!g.active().isEmpty() && !excludeProjects.contains(g.project().name())) {
                    projects.put(g.project().id(), g.project().name());
                }
            }
            if (projects.isEmpty()) {
                return Uni.createFrom().failure(refused("NO_KEYS", 60, project == null
                        ? "no active key in this pool serves this model (projects tried: " + excludeProjects.size() + ")"
                        : "project " + project + " has no active key that serves this model"));
            }
            long now = time.nowMillis();
            return repository.openCounts(projects.keySet(), now).flatMap(open -> repository.learnedLimits(
                    projects.keySet(), now).flatMap(learned -> {
                List<LiveSlots.Candidate> order = LiveSlots.order(LiveSlots.candidates(projects, open, learned),
                        config.defaultSessions());
                if (order.isEmpty()) {
                    return Uni.createFrom().failure(full(project));
                }
                LeaseRequest lease = new LeaseRequest(pool, bare, request.requestId(), false,
                        excludePools.isEmpty() ? null : excludePools, 0L, null);
                return tryNext(order, 0, lease, bare, owner, null, project);
            }));
        });
    }

    /** Takes a slot on {@code order[i]} and leases a key of it; on a full project or a refused lease, the next one. */
    private Uni<LiveSlotGrant> tryNext(List<LiveSlots.Candidate> order, int i, LeaseRequest lease, String model,
                                       String owner, ApiException lastRefusal, String pinned) {
        if (i >= order.size()) {
            return Uni.createFrom().failure(lastRefusal != null ? lastRefusal : full(pinned));
        }
        LiveSlots.Candidate c = order.get(i);
        String id = UUID.randomUUID().toString();
        long now = time.nowMillis();
        long expires = now + config.slotTtl().toMillis();
        return repository.reserve(id, c.projectId(), model, owner, config.defaultSessions(), now, expires).flatMap(open -> {
            if (open < 0) {
                return tryNext(order, i + 1, lease, model, owner, lastRefusal, pinned);
            }
            LeaseRequest onProject = new LeaseRequest(lease.pool(), lease.model(), lease.requestId(), false,
                    lease.excludePools(), 0L, c.project());
            return Uni.createFrom().deferred(() -> leases.lease(onProject))
                    .flatMap(grant -> repository.attach(id, Long.parseLong(grant.keyId()), grant.leaseId())
                            .map(v -> grant(id, grant, c, open, expires)))
                    .onFailure(ApiException.class).recoverWithUni(e -> repository.release(id).flatMap(v -> {
                        ApiException refusal = (ApiException) e;
                        if (refusal.status() != 429 && refusal.status() != 404) {
                            return Uni.createFrom().failure(refusal);
                        }
                        return tryNext(order, i + 1, lease, model, owner, refusal, pinned);
                    }));
        });
    }

    private LiveSlotGrant grant(String id, LeaseGrant lease, LiveSlots.Candidate c, int open, long expires) {
        int limit = LiveSlots.limit(c.learned(), config.defaultSessions());
        long heartbeat = Math.max(1, config.slotTtl().toSeconds() / 3);
        return new LiveSlotGrant(id, lease, limit, open, heartbeat, Instant.ofEpochMilli(expires).toString());
    }

    /** Google closed the session before setupComplete: learn the limit (SESSION_LIMIT) or just free the slot. */
    public Uni<LiveSlotLimit> refused(String id, LiveSlotRefusal refusal) {
        checkId(id);
        if (refusal == null || refusal.reason() == null) {
            throw ApiException.badRequest("a JSON body {\"reason\":\"SESSION_LIMIT|OTHER\"} is required");
        }
        if (!LiveSlotRefusal.SESSION_LIMIT.equals(refusal.reason())) {
            return repository.release(id).map(found -> {
                if (!found) {
                    throw ApiException.notFound("no open Live session slot " + id);
                }
                return new LiveSlotLimit(null, config.defaultSessions(), false);
            });
        }
        return snapshots.catalog().flatMap(catalog -> repository.find(id).flatMap(slot -> {
            if (slot == null) {
                throw ApiException.notFound("no open Live session slot " + id);
            }
            return repository.learnFromRefusal(id, time.nowMillis()).map(learned -> {
                Catalog.Project p = catalog.project(slot.projectId());
                String name = p == null ? String.valueOf(slot.projectId()) : p.name();
                LOG.infof("project %s: Google refused another Live session; its concurrent-session limit is now %d (%s)",
                        name, learned, refusal.message() == null ? "" : ApiKeys.scrub(refusal.message()));
                return new LiveSlotLimit(name, learned == null ? config.defaultSessions() : learned, learned != null);
            });
        }));
    }

    public Uni<Void> close(String id) {
        checkId(id);
        return repository.release(id).map(found -> {
            if (!found) {
                throw ApiException.notFound("no open Live session slot " + id);
            }
            return null;
        });
    }

    public Uni<LiveHeartbeat.Renewed> heartbeat(LiveHeartbeat beat) {
        if (beat == null || beat.sessionIds() == null) {
            throw ApiException.badRequest("a JSON body {\"sessionIds\":[…]} is required");
        }
        if (beat.sessionIds().size() > MAX_HEARTBEAT) {
            throw ApiException.badRequest("at most " + MAX_HEARTBEAT + " sessionIds per heartbeat");
        }
        List<String> ids = new ArrayList<>(beat.sessionIds().size());
        for (String id : beat.sessionIds()) {
            checkId(id);
            ids.add(id);
        }
        long expires = time.nowMillis() + config.slotTtl().toMillis();
        List<Uni<Integer>> parts = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 500) {
            parts.add(repository.heartbeat(ids.subList(from, Math.min(ids.size(), from + 500)), expires));
        }
        if (parts.isEmpty()) {
            return Uni.createFrom().item(new LiveHeartbeat.Renewed(0));
        }
        return Uni.join().all(parts).andFailFast().map(ns -> new LiveHeartbeat.Renewed(
                ns.stream().mapToInt(Integer::intValue).sum()));
    }

    private static void checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("a Live session slot id is a UUID");
        }
    }

    private static List<String> names(List<String> names, Pattern p, String field) {
        if (names == null) {
            return List.of();
        }
        if (names.size() > MAX_LIST) {
            throw ApiException.badRequest(field + " may name at most " + MAX_LIST + " entries");
        }
        for (String n : names) {
            if (n == null || !p.matcher(n).matches()) {
                throw ApiException.badRequest(field + " must be an array of names (1-128 characters)");
            }
        }
        return List.copyOf(names);
    }

    private ApiException full(String project) {
        return refused("LIVE_SESSIONS_FULL", 10, project == null
                ? "every project of this pool that serves this model holds as many Live sessions as it may"
                : "project " + project + " holds as many Live sessions as it may");
    }

    private static ApiException refused(String reason, long retryAfter, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", reason);
        body.put("retryAfterSeconds", retryAfter);
        body.put("error", message);
        return new ApiException(429, body, (int) retryAfter);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
