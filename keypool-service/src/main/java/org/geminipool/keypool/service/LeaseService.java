package org.geminipool.keypool.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.KeyState;
import org.geminipool.keypool.Outcome;
import org.geminipool.keypool.config.KeypoolConfig;
import org.geminipool.keypool.repository.LeaseRepository;
import org.geminipool.keypool.repository.LeaseRepository.Candidate;
import org.geminipool.keypool.repository.LeaseRepository.LeaseRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Leases and outcomes (design §3). Selection: among the projects that have an ACTIVE key in the pool and room in
 * their (project, model) buckets, the one least used this minute (then today), ties broken at random; the
 * reservation itself is the conditional UPDATE in {@link LeaseRepository#reserve}. If another request (or replica)
 * took the last slot first, the next project is tried.
 */
@ApplicationScoped
public class LeaseService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

    /**
     * {@code excludePools}: optional JSON array of pool names; with {@code pool} null, keys that are members of any of
     * them are not candidates (the gateway sends its paid pools for direct requests). Ignored when {@code pool} is set.
     */
    public record LeaseRequest(String pool, String model, String requestId, Boolean quotaFree,
                               com.fasterxml.jackson.databind.JsonNode excludePools) {
    }

    static final int MAX_EXCLUDED_POOLS = 256;

    public record LeaseGrant(String leaseId, String keyId, String project, String apiKey, String model,
                             String expiresAt) {
    }

    public record OutcomeRequest(String outcome, Long retryAfterSeconds, Long promptTokens, Long completionTokens,
                                 String reason) {
    }

    /** Why no key can serve, and when one frees up. */
    public record Refusal(String reason, long retryAfterSeconds) {
    }

    @Inject
    LeaseRepository repository;
    @Inject
    KeyCrypto crypto;
    @Inject
    TimeSource time;
    @Inject
    KeypoolConfig config;
    @Inject
    MeterRegistry registry;

    public Uni<LeaseGrant> lease(LeaseRequest request) {
        if (request == null) {
            throw ApiException.badRequest("a JSON body {\"pool\",\"model\",\"requestId\",\"quotaFree\"} is required");
        }
        String pool = blankToNull(request.pool());
        String model = blankToNull(request.model());
        boolean quotaFree = Boolean.TRUE.equals(request.quotaFree());
        if (pool != null && !NAME.matcher(pool).matches()) {
            throw ApiException.badRequest("pool must be 1-128 characters of [A-Za-z0-9._:/-]");
        }
        if (model == null && !quotaFree) {
            throw ApiException.badRequest("model is required");
        }
        if (model != null && !NAME.matcher(model).matches()) {
            throw ApiException.badRequest("model must be 1-128 characters of [A-Za-z0-9._:/-]");
        }
        if (request.requestId() != null && request.requestId().length() > 128) {
            throw ApiException.badRequest("requestId must be at most 128 characters");
        }
        if (model != null && model.startsWith("models/")) {
            model = model.substring("models/".length());
        }
        List<String> excluded = excludedPools(request.excludePools());
        if (pool != null) {
            excluded = List.of(); // a named pool is asked for explicitly; exclusions only narrow "any pool"
        }
        return quotaFree ? quotaFreeLease(pool, excluded, model)
                : reserveLease(pool, excluded, model, request.requestId(), 0);
    }

    /** Absent/null/empty → none; otherwise an array of pool names, else 400. */
    static List<String> excludedPools(com.fasterxml.jackson.databind.JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("excludePools must be an array of pool names");
        }
        if (node.size() > MAX_EXCLUDED_POOLS) {
            throw ApiException.badRequest("excludePools may name at most " + MAX_EXCLUDED_POOLS + " pools");
        }
        List<String> out = new ArrayList<>(node.size());
        for (var e : node) {
            if (!e.isTextual() || !NAME.matcher(e.textValue()).matches()) {
                throw ApiException.badRequest("excludePools must be an array of pool names (1-128 characters of"
                        + " [A-Za-z0-9._:/-])");
            }
            if (!out.contains(e.textValue())) {
                out.add(e.textValue());
            }
        }
        return List.copyOf(out);
    }

    private Uni<LeaseGrant> quotaFreeLease(String pool, List<String> excluded, String model) {
        long now = time.nowMillis();
        return repository.candidates(pool, excluded, model == null ? "" : model).map(candidates -> {
            List<Candidate> active = candidates.stream().filter(c -> c.state() == KeyState.ACTIVE).toList();
            if (active.isEmpty()) {
                throw refused(classify(candidates, now));
            }
            // Prefer a key whose project is not cooling down for this model; any active key otherwise.
            List<Candidate> rested = active.stream().filter(c -> c.cooldownUntilMs() <= now).toList();
            Candidate c = pick(rested.isEmpty() ? active : rested);
            grantedCounter("quota-free");
            return new LeaseGrant(null, String.valueOf(c.keyId()), c.project(), crypto.decrypt(c.secret()), model, null);
        });
    }

    private Uni<LeaseGrant> reserveLease(String pool, List<String> excluded, String model, String requestId,
                                         int round) {
        long now = time.nowMillis();
        long minute = TimeSource.minuteWindow(now);
        int day = TimeSource.dayWindow(now);
        return repository.candidates(pool, excluded, model).flatMap(candidates -> {
            if (candidates.stream().noneMatch(Candidate::hasQuota)) {
                return repository.modelKnown(model).map(known -> {
                    if (!known) {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("reason", "UNKNOWN_MODEL");
                        body.put("error", "model '" + model + "' has no quota row (neither a default nor a project"
                                + " override); add one with PUT /admin/quotas/{model}");
                        throw new ApiException(404, body, null);
                    }
                    throw refused(classify(candidates, now));
                });
            }
            List<List<Candidate>> order = eligibleProjects(candidates, minute, day, now);
            return tryProjects(order, 0, model, requestId, now, minute, day).flatMap(grant -> {
                if (grant != null) {
                    return Uni.createFrom().item(grant);
                }
                if (round == 0 && !order.isEmpty()) {
                    // Every project we saw room in was taken meanwhile: look once more with fresh numbers.
                    return reserveLease(pool, excluded, model, requestId, 1);
                }
                throw refused(classify(candidates, now));
            });
        });
    }

    private Uni<LeaseGrant> tryProjects(List<List<Candidate>> order, int index, String model, String requestId,
                                        long now, long minute, int day) {
        if (index >= order.size()) {
            return Uni.createFrom().nullItem();
        }
        List<Candidate> keys = order.get(index);
        Candidate first = keys.get(0);
        Uni<Void> bucket = first.bucketExists() ? Uni.createFrom().voidItem()
                : repository.ensureBucket(first.projectId(), model);
        return bucket.flatMap(v -> repository.reserve(first.projectId(), model, minute, day, now, first.rpm(), first.rpd()))
                .flatMap(reserved -> {
                    if (!reserved) {
                        return tryProjects(order, index + 1, model, requestId, now, minute, day);
                    }
                    Candidate key = pick(keys);
                    String leaseId = UUID.randomUUID().toString();
                    long expires = now + config.leaseTtl().toMillis();
                    return repository.insertLease(leaseId, requestId, key.keyId(), key.projectId(), model, minute, day,
                                    now, expires)
                            .map(v -> {
                                grantedCounter("lease");
                                return new LeaseGrant(leaseId, String.valueOf(key.keyId()), key.project(),
                                        crypto.decrypt(key.secret()), model, Instant.ofEpochMilli(expires).toString());
                            });
                });
    }

    /** Projects with an ACTIVE key and room now, least used this minute first (then today, both as a share of the limit), random among equals. */
    static List<List<Candidate>> eligibleProjects(List<Candidate> candidates, long minute, int day, long now) {
        Map<Long, List<Candidate>> byProject = candidates.stream()
                .filter(c -> c.state() == KeyState.ACTIVE && c.hasQuota())
                .filter(c -> hasRoom(c, minute, day, now))
                .collect(Collectors.groupingBy(Candidate::projectId, LinkedHashMap::new, Collectors.toList()));
        List<List<Candidate>> projects = new ArrayList<>(byProject.values());
        java.util.Collections.shuffle(projects, ThreadLocalRandom.current());
        // Least used relative to the project's own limit, in 1% steps: with small free-tier limits every request is a
        // step (strictly least-used first); with large limits many projects tie and the shuffle spreads concurrent
        // requests over them instead of piling onto one bucket row.
        projects.sort(Comparator.<List<Candidate>>comparingInt(p -> share(p.get(0).minuteUsedIn(minute), p.get(0).rpm()))
                .thenComparingInt(p -> share(p.get(0).dayUsedIn(day), p.get(0).rpd())));
        return projects;
    }

    static int share(int used, int limit) {
        return limit <= 0 ? 100 : (int) (100L * used / limit);
    }

    static boolean hasRoom(Candidate c, long minute, int day, long now) {
        return c.exhaustedDay() != day && c.cooldownUntilMs() <= now
                && c.minuteUsedIn(minute) < c.rpm() && c.dayUsedIn(day) < c.rpd();
    }

    /** The reason no key can serve now and the earliest moment one frees up (design §3). */
    Refusal classify(List<Candidate> candidates, long now) {
        long minute = TimeSource.minuteWindow(now);
        int day = TimeSource.dayWindow(now);
        long noKeys = Math.max(1, config.noKeysRetryAfter().toSeconds());
        List<Candidate> usable = candidates.stream().filter(Candidate::hasQuota).toList();
        List<Candidate> active = usable.stream().filter(c -> c.state() == KeyState.ACTIVE).toList();
        if (active.isEmpty()) {
            boolean anyBanned = usable.stream().anyMatch(c -> c.state() == KeyState.BANNED);
            return new Refusal(anyBanned ? "ALL_BANNED" : "NO_KEYS", noKeys);
        }
        long midnight = TimeSource.nextPacificMidnight(now);
        long earliest = Long.MAX_VALUE;
        boolean allDay = true;
        for (Candidate c : active) {
            long freeAt;
            boolean dayBlocked = c.exhaustedDay() == day || c.dayUsedIn(day) >= c.rpd() || c.rpd() <= 0 || c.rpm() <= 0;
            if (dayBlocked) {
                freeAt = midnight;
            } else {
                allDay = false;
                freeAt = now;
                if (c.cooldownUntilMs() > now) {
                    freeAt = c.cooldownUntilMs();
                }
                if (c.minuteUsedIn(minute) >= c.rpm()) {
                    freeAt = Math.max(freeAt, TimeSource.nextMinuteStart(now));
                }
                if (freeAt <= now) {
                    freeAt = now + 1000; // had room a moment ago but was taken by a concurrent lease
                }
            }
            earliest = Math.min(earliest, freeAt);
        }
        long seconds = Math.max(1, (earliest - now + 999) / 1000);
        return new Refusal(allDay ? "DAY_EXHAUSTED" : "MINUTE_EXHAUSTED", seconds);
    }

    ApiException refused(Refusal refusal) {
        counter("keypool_leases_refused_total", "reason", refusal.reason()).increment();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", refusal.reason());
        body.put("retryAfterSeconds", refusal.retryAfterSeconds());
        body.put("error", switch (refusal.reason()) {
            case "NO_KEYS" -> "no active key in this pool serves this model";
            case "ALL_BANNED" -> "every key in this pool that serves this model is banned";
            case "DAY_EXHAUSTED" -> "every key's daily quota for this model is spent until Pacific midnight";
            default -> "every key's per-minute quota for this model is spent or cooling down";
        });
        return new ApiException(429, body, (int) Math.min(Integer.MAX_VALUE, refusal.retryAfterSeconds()));
    }

    private void grantedCounter(String kind) {
        counter("keypool_leases_granted_total", "kind", kind).increment();
    }

    /** Counters by (name, tag, value), looked up in the registry once instead of per lease and per outcome. */
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(List.of(name, tag, value), k -> registry.counter(name, tag, value));
    }

    private static Candidate pick(List<Candidate> keys) {
        return keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
    }

    // ------------------------------------------------------------------ outcomes

    /**
     * Settles a lease and applies the design §3 table. Settling again with the same outcome is idempotent (204, no
     * second effect); with a different outcome it is a 409. A lease closed as EXPIRED by the scheduler can still be
     * settled once (the gateway's answer is better information than the expiry).
     */
    public Uni<Void> settle(String leaseId, OutcomeRequest request) {
        if (request == null || request.outcome() == null) {
            throw ApiException.badRequest("outcome is required: one of SUCCESS, QUOTA_EXHAUSTED_DAY, RATE_LIMITED, "
                    + "INVALID_KEY, PERMISSION_DENIED, UPSTREAM_ERROR, CLIENT_ERROR");
        }
        Outcome outcome;
        try {
            outcome = Outcome.valueOf(request.outcome());
        } catch (IllegalArgumentException e) {
            outcome = null;
        }
        if (outcome == null || outcome == Outcome.EXPIRED) {
            throw ApiException.badRequest("unknown outcome '" + LeaseRepositoryText.clip(request.outcome())
                    + "': one of SUCCESS, QUOTA_EXHAUSTED_DAY, RATE_LIMITED, INVALID_KEY, PERMISSION_DENIED, "
                    + "UPSTREAM_ERROR, CLIENT_ERROR");
        }
        nonNegative("retryAfterSeconds", request.retryAfterSeconds());
        nonNegative("promptTokens", request.promptTokens());
        nonNegative("completionTokens", request.completionTokens());
        if (leaseId == null || leaseId.length() > 36) {
            throw ApiException.notFound("unknown lease");
        }
        final Outcome settled = outcome;
        return repository.findLease(leaseId).flatMap(lease -> {
            if (lease == null) {
                throw ApiException.notFound("unknown lease " + leaseId);
            }
            long now = time.nowMillis();
            return repository.inTransaction(c -> repository.settle(c, leaseId, settled.name(), now,
                            toInt(request.promptTokens()), toInt(request.completionTokens()),
                            LeaseRepositoryText.clip(request.reason()))
                    .flatMap(changed -> {
                        if (!changed) {
                            return Uni.createFrom().item(false);
                        }
                        return applyEffects(c, lease, settled, request, now).replaceWith(true);
                    }))
                    .flatMap(changed -> {
                        if (changed) {
                            counter("keypool_outcomes_total", "outcome", settled.name()).increment();
                            return Uni.createFrom().voidItem();
                        }
                        return repository.findLease(leaseId).map(current -> {
                            if (current != null && settled.name().equals(current.outcome())) {
                                return null; // same outcome again: idempotent
                            }
                            throw ApiException.error(409, "lease " + leaseId + " is already settled with "
                                    + (current == null ? "another outcome" : current.outcome()));
                        });
                    });
        });
    }

    private Uni<Void> applyEffects(io.vertx.mutiny.sqlclient.SqlConnection c, LeaseRow lease, Outcome outcome,
                                   OutcomeRequest request, long now) {
        String reason = LeaseRepositoryText.clip(request.reason());
        return switch (outcome) {
            case SUCCESS -> repository.resetFailureStreak(c, lease.keyId());
            case QUOTA_EXHAUSTED_DAY -> repository.markDayExhausted(c, lease.projectId(), lease.model(),
                    TimeSource.dayWindow(now));
            case RATE_LIMITED -> {
                long seconds = request.retryAfterSeconds() != null && request.retryAfterSeconds() > 0
                        ? Math.min(request.retryAfterSeconds(), 86_400) : config.rateLimitCooldown().toSeconds();
                yield repository.coolDown(c, lease.projectId(), lease.model(), now + seconds * 1000);
            }
            case INVALID_KEY, PERMISSION_DENIED -> repository.ban(c, lease.keyId(),
                    outcome.name() + (reason == null ? "" : ": " + reason), now).replaceWithVoid();
            case UPSTREAM_ERROR -> repository.upstreamFailure(c, lease.keyId(), config.banAfterUpstreamErrors(), now)
                    .replaceWithVoid();
            case CLIENT_ERROR, EXPIRED -> Uni.createFrom().voidItem();
        };
    }

    private static void nonNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw ApiException.badRequest(field + " must not be negative");
        }
    }

    private static Integer toInt(Long value) {
        return value == null ? null : (int) Math.min(Integer.MAX_VALUE, value);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Free text from callers is clipped and scrubbed of anything that looks like a key before it is stored. */
    static final class LeaseRepositoryText {
        static String clip(String s) {
            if (s == null) {
                return null;
            }
            String scrubbed = s.replaceAll("AIza[A-Za-z0-9_-]{35}", "AIza…");
            return scrubbed.length() <= 300 ? scrubbed : scrubbed.substring(0, 300);
        }
    }
}
