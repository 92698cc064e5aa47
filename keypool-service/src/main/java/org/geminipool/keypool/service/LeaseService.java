package org.geminipool.keypool.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.KeyState;
import org.geminipool.contract.Outcome;
import org.geminipool.common.upstream.QuotaViolation;
import org.geminipool.common.upstream.UpstreamErrorClassifier;
import org.geminipool.keypool.quota.FamilyQuotas;
import org.geminipool.keypool.quota.Limit;
import org.geminipool.keypool.quota.LimitInputs;
import org.geminipool.keypool.quota.LimitResolver;
import org.geminipool.keypool.quota.WindowLimits;
import org.geminipool.keypool.config.KeypoolConfig;
import org.geminipool.keypool.repository.LeaseRepository;
import org.geminipool.keypool.repository.LeaseRepository.Candidate;
import org.geminipool.keypool.repository.LeaseRepository.LeaseRow;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRefusal;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.lease.OutcomeReport;

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
 * Leases and outcomes (design §3). Any model is leasable: each window's limit of a (project, model) is resolved by
 * {@link LimitResolver} (override → admin → learned → sibling → family → unknown), and the outcome teaches the keypool
 * what Google's 429s name. Selection: among the projects that have an ACTIVE key in the pool and room in their
 * (project, quota model) bucket, the one least used this minute (then today), ties broken at random; the reservation
 * itself is the conditional UPDATE in {@link LeaseRepository#reserve}. If another request (or replica) took the last
 * slot first, the next project is tried.
 */
@ApplicationScoped
public class LeaseService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,128}");
    static final long MAX_ESTIMATED_TOKENS = 100_000_000L;

    static final int MAX_EXCLUDED_POOLS = 256;

    /** A candidate with its effective limits. */
    record Scored(Candidate c, WindowLimits limits) {
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
    @Inject
    FamilyQuotas families;

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
        long tokens = request.estimatedTokens() == null ? 0 : request.estimatedTokens();
        if (tokens < 0 || tokens > MAX_ESTIMATED_TOKENS) {
            throw ApiException.badRequest("estimatedTokens must be between 0 and " + MAX_ESTIMATED_TOKENS);
        }
        if (model != null && model.startsWith("models/")) {
            model = model.substring("models/".length());
        }
        String project = blankToNull(request.project());
        if (project != null && !NAME.matcher(project).matches()) {
            throw ApiException.badRequest("project must be 1-128 characters of [A-Za-z0-9._:/-]");
        }
        List<String> excluded = excludedPools(request.excludePools());
        if (pool != null) {
            excluded = List.of(); // a named pool is asked for explicitly; exclusions only narrow "any pool"
        }
        String m = model;
        List<String> ex = excluded;
        return quotaFree ? quotaFreeLease(pool, ex, m, project)
                : families.ensureLoaded().flatMap(v -> reserveLease(pool, ex, m, project, request.requestId(), tokens, 0));
    }

    /** Absent/null/empty → none; otherwise pool names, else 400. */
    static List<String> excludedPools(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        if (names.size() > MAX_EXCLUDED_POOLS) {
            throw ApiException.badRequest("excludePools may name at most " + MAX_EXCLUDED_POOLS + " pools");
        }
        List<String> out = new ArrayList<>(names.size());
        for (String name : names) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw ApiException.badRequest("excludePools must be an array of pool names (1-128 characters of"
                        + " [A-Za-z0-9._:/-])");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }

    private Uni<LeaseGrant> quotaFreeLease(String pool, List<String> excluded, String model, String project) {
        long now = time.nowMillis();
        return repository.candidates(pool, excluded, model == null ? "" : model, project).map(candidates -> {
            List<Candidate> active = candidates.stream().filter(c -> c.state() == KeyState.ACTIVE).toList();
            if (active.isEmpty()) {
                boolean anyBanned = candidates.stream().anyMatch(c -> c.state() == KeyState.BANNED);
                throw refused(new LeaseRefusal(anyBanned ? "ALL_BANNED" : "NO_KEYS", noKeysSeconds()));
            }
            // Prefer a key whose project is not cooling down for this model; any active key otherwise.
            List<Candidate> rested = active.stream().filter(c -> c.bucket().cooldownUntilMs() <= now).toList();
            Candidate c = pick(rested.isEmpty() ? active : rested);
            grantedCounter("quota-free");
            return new LeaseGrant(null, String.valueOf(c.keyId()), c.project(), crypto.decrypt(c.secret()), model, null,
                    false);
        });
    }

    private Uni<LeaseGrant> reserveLease(String pool, List<String> excluded, String model, String project,
                                         String requestId, long tokens, int round) {
        long now = time.nowMillis();
        long minute = TimeSource.minuteWindow(now);
        int day = TimeSource.dayWindow(now);
        FamilyQuotas.FamilyQuota family = families.match(model);
        return repository.candidates(pool, excluded, model, project).flatMap(candidates -> {
            List<Scored> scored = candidates.stream().map(c -> new Scored(c, limits(c, family, now))).toList();
            List<List<Scored>> order = eligibleProjects(scored, minute, day, now, tokens);
            return tryProjects(order, 0, model, requestId, now, minute, day, tokens).flatMap(grant -> {
                if (grant != null) {
                    return Uni.createFrom().item(grant);
                }
                if (round == 0 && !order.isEmpty()) {
                    // Every project we saw room in was taken meanwhile: look once more with fresh numbers.
                    return reserveLease(pool, excluded, model, project, requestId, tokens, 1);
                }
                throw refused(classify(scored, now, tokens));
            });
        });
    }

    /** The effective limits of one candidate's (project, model), design §3 resolution order. */
    static WindowLimits limits(Candidate c, FamilyQuotas.FamilyQuota family, long now) {
        var b = c.bucket();
        return new WindowLimits(
                LimitResolver.resolve(new LimitInputs(c.overrideRpm(), c.adminRpm(), b.learnedRpm(), b.learnedRpmAt(),
                        c.hintRpm(), c.hintRpmAt(), family == null ? null : family.rpm()), now),
                LimitResolver.resolve(new LimitInputs(c.overrideRpd(), c.adminRpd(), b.learnedRpd(), b.learnedRpdAt(),
                        c.hintRpd(), c.hintRpdAt(), family == null ? null : family.rpd()), now),
                LimitResolver.resolve(new LimitInputs(c.overrideTpm(), c.adminTpm(), b.learnedTpm(), b.learnedTpmAt(),
                        c.hintTpm(), c.hintTpmAt(), family == null ? null : family.tpm()), now));
    }

    private Uni<LeaseGrant> tryProjects(List<List<Scored>> order, int index, String model, String requestId,
                                        long now, long minute, int day, long tokens) {
        if (index >= order.size()) {
            return Uni.createFrom().nullItem();
        }
        List<Scored> keys = order.get(index);
        Scored first = keys.get(0);
        Candidate c = first.c();
        WindowLimits l = first.limits();
        Uni<Void> bucket = c.bucket().exists() ? Uni.createFrom().voidItem()
                : repository.ensureBucket(c.projectId(), c.quotaModel());
        var reservation = new LeaseRepository.Reservation(c.projectId(), c.quotaModel(), minute, day, now, tokens,
                l.rpm().bound(), l.rpm().provisional(), l.rpd().bound(), l.rpd().provisional(),
                l.tpm().bound(), l.tpm().provisional());
        int probeMask = probeMask(c.bucket(), l, minute, day, tokens);
        return bucket.flatMap(v -> repository.reserve(reservation))
                .flatMap(reserved -> {
                    if (!reserved) {
                        return tryProjects(order, index + 1, model, requestId, now, minute, day, tokens);
                    }
                    Scored key = pick(keys);
                    String leaseId = UUID.randomUUID().toString();
                    long expires = now + config.leaseTtl().toMillis();
                    return repository.insertLease(leaseId, requestId, key.c().keyId(), c.projectId(), model,
                                    c.quotaModel(), minute, day, now, expires, tokens, probeMask)
                            .map(v -> {
                                grantedCounter("lease");
                                return new LeaseGrant(leaseId, String.valueOf(key.c().keyId()), c.project(),
                                        crypto.decrypt(key.c().secret()), model, Instant.ofEpochMilli(expires).toString(),
                                        probeMask != 0);
                            });
                });
    }

    /** Which windows this reservation takes above a provisional limit: bit 1 RPM, 2 RPD, 4 TPM. */
    static int probeMask(LeaseRepository.Bucket b, WindowLimits l, long minute, int day, long tokens) {
        int mask = 0;
        if (l.rpm().probes(b.minuteUsedIn(minute), 1)) {
            mask |= 1;
        }
        if (l.rpd().probes(b.dayUsedIn(day), 1)) {
            mask |= 2;
        }
        if (l.tpm().probes(b.tokensUsedIn(minute), tokens)) {
            mask |= 4;
        }
        return mask;
    }

    /**
     * Projects with an ACTIVE key and room now, least used this minute first (then today, both as a share of the
     * limit where one is known), random among equals.
     */
    static List<List<Scored>> eligibleProjects(List<Scored> candidates, long minute, int day, long now, long tokens) {
        Map<Long, List<Scored>> byProject = candidates.stream()
                .filter(s -> s.c().state() == KeyState.ACTIVE)
                .filter(s -> hasRoom(s, minute, day, now, tokens))
                .collect(Collectors.groupingBy(s -> s.c().projectId(), LinkedHashMap::new, Collectors.toList()));
        List<List<Scored>> projects = new ArrayList<>(byProject.values());
        java.util.Collections.shuffle(projects, ThreadLocalRandom.current());
        // Least used relative to the project's own limit, in 1% steps: with small free-tier limits every request is a
        // step (strictly least-used first); with large or unknown limits many projects tie and the shuffle spreads
        // concurrent requests over them instead of piling onto one bucket row.
        projects.sort(Comparator.<List<Scored>>comparingLong(p -> share(p.get(0).c().bucket().minuteUsedIn(minute),
                        p.get(0).limits().rpm()))
                .thenComparingLong(p -> share(p.get(0).c().bucket().dayUsedIn(day), p.get(0).limits().rpd())));
        return projects;
    }

    static long share(long used, Limit limit) {
        if (limit.value() == null) {
            return Math.min(100, used);
        }
        return limit.value() <= 0 ? 100 : 100L * used / limit.value();
    }

    static boolean hasRoom(Scored s, long minute, int day, long now, long tokens) {
        Candidate c = s.c();
        var b = c.bucket();
        WindowLimits l = s.limits();
        return !c.retired() && c.blockedUntilMs() <= now && b.exhaustedDay() != day && b.cooldownUntilMs() <= now
                && l.rpm().allows(b.minuteUsedIn(minute), 1, b.rpmProbeDay() == day)
                && l.rpd().allows(b.dayUsedIn(day), 1, b.rpdProbeDay() == day)
                && l.tpm().allows(b.tokensUsedIn(minute), tokens, b.tpmProbeDay() == day);
    }

    /**
     * The reason no key can serve now and the earliest moment one frees up (design §3): NO_KEYS / ALL_BANNED without
     * an active key; MODEL_RETIRED when Google retired the model for every project; MODEL_UNAVAILABLE when the rest
     * have no quota for it on their tier (limit 0); DAY_EXHAUSTED when nothing frees up before Pacific midnight;
     * otherwise MINUTE_EXHAUSTED.
     */
    LeaseRefusal classify(List<Scored> candidates, long now, long tokens) {
        long minute = TimeSource.minuteWindow(now);
        int day = TimeSource.dayWindow(now);
        List<Scored> active = candidates.stream().filter(s -> s.c().state() == KeyState.ACTIVE).toList();
        if (active.isEmpty()) {
            boolean anyBanned = candidates.stream().anyMatch(s -> s.c().state() == KeyState.BANNED);
            return new LeaseRefusal(anyBanned ? "ALL_BANNED" : "NO_KEYS", noKeysSeconds());
        }
        long midnight = TimeSource.nextPacificMidnight(now);
        long earliest = Long.MAX_VALUE;
        boolean allRetired = true;
        boolean allUnavailable = true;
        boolean allDay = true;
        for (Scored s : active) {
            Candidate c = s.c();
            var b = c.bucket();
            WindowLimits l = s.limits();
            if (c.retired()) {
                continue;
            }
            allRetired = false;
            long freeAt;
            if (l.parked()) {
                freeAt = midnight;
            } else {
                allUnavailable = false;
                boolean dayBlocked = b.exhaustedDay() == day || !l.rpd().allows(b.dayUsedIn(day), 1, b.rpdProbeDay() == day);
                if (dayBlocked) {
                    freeAt = midnight;
                } else {
                    freeAt = now;
                    if (b.cooldownUntilMs() > now) {
                        freeAt = b.cooldownUntilMs();
                    }
                    if (!l.rpm().allows(b.minuteUsedIn(minute), 1, b.rpmProbeDay() == day)
                            || !l.tpm().allows(b.tokensUsedIn(minute), tokens, b.tpmProbeDay() == day)) {
                        freeAt = Math.max(freeAt, TimeSource.nextMinuteStart(now));
                    }
                    if (freeAt <= now) {
                        freeAt = now + 1000; // had room a moment ago but was taken by a concurrent lease
                    }
                }
            }
            if (c.blockedUntilMs() > now) {
                freeAt = Math.max(freeAt, c.blockedUntilMs());
            }
            if (freeAt < midnight) {
                allDay = false;
            }
            earliest = Math.min(earliest, freeAt);
        }
        if (allRetired) {
            return new LeaseRefusal("MODEL_RETIRED", RETIRED_RETRY_SECONDS);
        }
        long seconds = Math.max(1, (earliest - now + 999) / 1000);
        if (allUnavailable) {
            return new LeaseRefusal("MODEL_UNAVAILABLE", seconds);
        }
        return new LeaseRefusal(allDay ? "DAY_EXHAUSTED" : "MINUTE_EXHAUSTED", seconds);
    }

    static final long RETIRED_RETRY_SECONDS = 3600;

    private long noKeysSeconds() {
        return Math.max(1, config.noKeysRetryAfter().toSeconds());
    }

    ApiException refused(LeaseRefusal refusal) {
        counter("keypool_leases_refused_total", "reason", refusal.reason()).increment();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", refusal.reason());
        body.put("retryAfterSeconds", refusal.retryAfterSeconds());
        body.put("error", switch (refusal.reason()) {
            case "NO_KEYS" -> "no active key in this pool serves this model";
            case "ALL_BANNED" -> "every key in this pool that serves this model is banned";
            case "MODEL_RETIRED" -> "Google answered that this model is no longer available for every project of"
                    + " this pool";
            case "MODEL_UNAVAILABLE" -> "this model has no quota on the tier of any project of this pool (Google"
                    + " answered limit: 0)";
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

    private static <T> T pick(List<T> keys) {
        return keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
    }

    // ------------------------------------------------------------------ outcomes

    /** The outcomes a caller may report: every one but EXPIRED, which only the expiry job sets. */
    static final String OUTCOMES = java.util.Arrays.stream(Outcome.values()).filter(o -> o != Outcome.EXPIRED)
            .map(Enum::name).collect(Collectors.joining(", "));
    static final int MAX_VIOLATIONS = 16;
    static final long MAX_LIMIT = 1_000_000_000_000L;

    /**
     * Settles a lease and applies the design §3 table (and its 2026 rows). Settling again with the same outcome is
     * idempotent (204, no second effect); with a different outcome it is a 409. A lease closed as EXPIRED by the
     * scheduler can still be settled once (the gateway's answer is better information than the expiry).
     */
    public Uni<Void> settle(String leaseId, OutcomeReport request) {
        if (request == null || request.outcome() == null) {
            throw ApiException.badRequest("outcome is required: one of " + OUTCOMES);
        }
        Outcome outcome;
        try {
            outcome = Outcome.valueOf(request.outcome());
        } catch (IllegalArgumentException e) {
            outcome = null;
        }
        if (outcome == null || outcome == Outcome.EXPIRED) {
            throw ApiException.badRequest("unknown outcome '" + LeaseRepositoryText.clip(request.outcome())
                    + "': one of " + OUTCOMES);
        }
        nonNegative("retryAfterSeconds", request.retryAfterSeconds());
        nonNegative("promptTokens", request.promptTokens());
        nonNegative("completionTokens", request.completionTokens());
        List<QuotaViolation> violations = violations(request.violations());
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
                        return applyEffects(c, lease, settled, request, violations, now).replaceWith(true);
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

    /** The violations of the outcome body, validated (at most 16, known windows, sane numbers and names). */
    static List<QuotaViolation> violations(List<OutcomeReport.Violation> bodies) {
        if (bodies == null || bodies.isEmpty()) {
            return List.of();
        }
        if (bodies.size() > MAX_VIOLATIONS) {
            throw ApiException.badRequest("at most " + MAX_VIOLATIONS + " violations");
        }
        List<QuotaViolation> out = new ArrayList<>();
        for (OutcomeReport.Violation b : bodies) {
            if (b == null || b.window() == null) {
                throw ApiException.badRequest("each violation needs a window: RPM, RPD or TPM");
            }
            QuotaViolation.Window window;
            try {
                window = QuotaViolation.Window.valueOf(b.window());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("violation window must be RPM, RPD or TPM");
            }
            if (b.limit() != null && (b.limit() < 0 || b.limit() > MAX_LIMIT)) {
                throw ApiException.badRequest("violation limit must be between 0 and " + MAX_LIMIT);
            }
            if (b.quotaModel() != null && !NAME.matcher(b.quotaModel()).matches()) {
                throw ApiException.badRequest("violation quotaModel must be 1-128 characters of [A-Za-z0-9._:/-]");
            }
            String quotaId = b.quotaId() == null ? null : LeaseRepositoryText.clip(b.quotaId());
            String quotaModel = b.quotaModel() == null ? null
                    : b.quotaModel().startsWith("models/") ? b.quotaModel().substring(7) : b.quotaModel();
            out.add(new QuotaViolation(window, b.limit(), quotaModel, !Boolean.FALSE.equals(b.freeTier()), quotaId));
        }
        return out;
    }

    private Uni<Void> applyEffects(io.vertx.mutiny.sqlclient.SqlConnection c, LeaseRow lease, Outcome outcome,
                                   OutcomeReport request, List<QuotaViolation> violations, long now) {
        String reason = LeaseRepositoryText.clip(request.reason());
        Uni<Void> tokens = Uni.createFrom().voidItem();
        if (request.promptTokens() != null && lease.estTokens() != request.promptTokens()) {
            tokens = repository.correctTokens(c, lease.projectId(), lease.quotaModel(), lease.minuteWindow(),
                    request.promptTokens() - lease.estTokens());
        }
        // The bucket Google named (quotaDimensions.model) takes the marks, so IDs sharing a quota model share them.
        String qm = quotaModelOf(violations, lease);
        Uni<Void> bucket = qm.equals(lease.quotaModel()) ? Uni.createFrom().voidItem()
                : repository.ensureBucket(c, lease.projectId(), qm);
        return tokens.flatMap(v -> bucket).flatMap(v -> learn(c, lease, violations, now)).flatMap(v -> switch (outcome) {
            case SUCCESS -> repository.resetFailureStreak(c, lease.keyId())
                    .flatMap(x -> raiseProbedLimits(c, lease, now));
            // The lease's own Pacific day: a 429 settled after midnight must not block the new day.
            case QUOTA_EXHAUSTED_DAY -> repository.markDayExhausted(c, lease.projectId(), qm, lease.dayWindow());
            case RATE_LIMITED -> {
                long seconds = request.retryAfterSeconds() != null && request.retryAfterSeconds() > 0
                        ? Math.min(request.retryAfterSeconds(), 86_400) : config.rateLimitCooldown().toSeconds();
                yield repository.coolDown(c, lease.projectId(), qm, now + seconds * 1000);
            }
            // limit 0 was learned above (the project is parked for this quota model); nothing else changes.
            case MODEL_UNAVAILABLE -> Uni.createFrom().voidItem();
            case BILLING_DEPLETED -> repository.blockProject(c, lease.projectId(),
                    now + config.billingRecheckAfter().toMillis(), "BILLING_DEPLETED" + (reason == null ? "" : ": " + reason));
            case MODEL_RETIRED -> repository.retire(c, UpstreamErrorClassifier.retiredForEveryone(reason) ? 0
                    : lease.projectId(), lease.model(), now, reason);
            case INVALID_KEY, PERMISSION_DENIED -> repository.ban(c, lease.keyId(),
                    outcome.name() + (reason == null ? "" : ": " + reason), now).replaceWithVoid();
            case PROJECT_DENIED -> repository.banProject(c, lease.projectId(),
                    outcome.name() + (reason == null ? "" : ": " + reason), now);
            case UPSTREAM_ERROR -> repository.upstreamFailure(c, lease.keyId(), config.banAfterUpstreamErrors(), now)
                    .replaceWithVoid();
            case OVERLOADED, CLIENT_ERROR, LOCATION_UNSUPPORTED, EXPIRED -> Uni.createFrom().voidItem();
        });
    }

    /**
     * What a 429's violations teach (design §3): the quota model the requested ID counts under, each window's limit
     * for this project, the project's tier, and a hint for its siblings of the same tier.
     */
    private Uni<Void> learn(io.vertx.mutiny.sqlclient.SqlConnection c, LeaseRow lease, List<QuotaViolation> violations,
                            long now) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (violations.isEmpty()) {
            return chain;
        }
        String quotaModel = quotaModelOf(violations, lease);
        if (!quotaModel.equals(lease.quotaModel())) {
            chain = chain.flatMap(v -> repository.mapQuotaModel(c, lease.model(), quotaModel, now));
        }
        String tier = violations.get(0).freeTier() ? "FREE" : "PAID";
        chain = chain.flatMap(v -> repository.setTier(c, lease.projectId(), tier));
        java.util.Set<QuotaViolation.Window> seen = java.util.EnumSet.noneOf(QuotaViolation.Window.class);
        for (QuotaViolation violation : violations) {
            if (violation.limit() == null || !seen.add(violation.window())) {
                continue;
            }
            String source = (violation.quotaId() == null ? violation.window().name() : violation.quotaId())
                    + " limit " + violation.limit();
            chain = chain.flatMap(v -> repository.learn(c, lease.projectId(), quotaModel, violation.window(),
                            violation.limit(), source, now))
                    .flatMap(v -> repository.hint(c, quotaModel, violation.freeTier() ? "FREE" : "PAID",
                            violation.window(), violation.limit(), lease.projectId(), now));
            counter("keypool_limits_learned_total", "window", violation.window().name()).increment();
        }
        return chain;
    }

    static String quotaModelOf(List<QuotaViolation> violations, LeaseRow lease) {
        return violations.stream().map(QuotaViolation::quotaModel).filter(java.util.Objects::nonNull)
                .findFirst().orElse(lease.quotaModel());
    }

    /** Google served a call above a provisional limit: that value no longer binds this project (RAISED). */
    private Uni<Void> raiseProbedLimits(io.vertx.mutiny.sqlclient.SqlConnection c, LeaseRow lease, long now) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        QuotaViolation.Window[] windows = {QuotaViolation.Window.RPM, QuotaViolation.Window.RPD, QuotaViolation.Window.TPM};
        for (int bit = 0; bit < 3; bit++) {
            if ((lease.probeMask() & (1 << bit)) != 0) {
                QuotaViolation.Window w = windows[bit];
                chain = chain.flatMap(v -> repository.learn(c, lease.projectId(), lease.quotaModel(), w, -1,
                        "raised: Google served a call above the provisional " + w + " limit", now));
            }
        }
        return chain;
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
            String scrubbed = org.geminipool.contract.ApiKeys.scrub(s);
            return scrubbed.length() <= 300 ? scrubbed : scrubbed.substring(0, 300);
        }
    }
}
