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
import org.geminipool.keypool.repository.LeaseWriter;
import org.geminipool.keypool.quota.BlockHolders;
import org.geminipool.keypool.quota.BlockSizer;
import org.geminipool.keypool.quota.LiveBucket;
import org.geminipool.keypool.quota.RateMeter;
import org.geminipool.keypool.quota.ResolvedLimits;
import org.geminipool.keypool.quota.Selection;
import org.geminipool.keypool.snapshot.Catalog;
import org.geminipool.keypool.snapshot.Snapshots;
import org.geminipool.contract.lease.OutcomeBatch;
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
import java.util.concurrent.CompletableFuture;
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
    @Inject
    Snapshots snapshots;
    @Inject
    QuotaBlocks blocks;
    @Inject
    LeaseWriter writer;

    /** Fresh snapshots one lease may ask for before it gives up (each one after a change somewhere). */
    static final int MAX_ROUNDS = 3;

    /** A block covers this many seconds of the observed rate on a bucket. */
    static final double BLOCK_HOLD_SECONDS = 0.1;

    /** Leases granted by this replica and not settled yet, so that settling needs no read (bounded). */
    static final int RECENT_SLOTS = 32_768;
    private final RecentLeases recent = new RecentLeases(RECENT_SLOTS);

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
        if (project != null && !KeyAdminService.PROJECT.matcher(project).matches()) {
            throw ApiException.badRequest("project must be 1-128 characters of [A-Za-z0-9._:/@-]");
        }
        List<String> excluded = excludedPools(request.excludePools());
        if (pool != null) {
            excluded = List.of(); // a named pool is asked for explicitly; exclusions only narrow "any pool"
        }
        String m = model;
        List<String> ex = excluded;
        Catalog.Spec spec = new Catalog.Spec(pool, ex, project);
        return snapshots.catalog().flatMap(catalog -> quotaFree ? Uni.createFrom().item(quotaFreeLease(catalog, spec, m))
                : reserveLease(catalog, spec, m, request.requestId(), tokens, 0, false));
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

    private LeaseGrant quotaFreeLease(Catalog catalog, Catalog.Spec spec, String model) {
        long now = time.nowMillis();
        String qm = model == null ? "" : catalog.quotaModel(model);
        List<Catalog.Group> groups = catalog.groups(spec);
        List<Catalog.Key> rested = new ArrayList<>();
        List<Catalog.Key> active = new ArrayList<>();
        boolean anyBanned = false;
        for (Catalog.Group g : groups) {
            var row = catalog.bucket(g.project().id(), qm);
            long cooldown = snapshots.cooldownUntil(g.project().id(), qm, row == null ? 0 : row.cooldownUntilMs());
            for (Catalog.Key k : g.keys()) {
                if (snapshots.isBanned(k)) {
                    anyBanned |= k.state() == KeyState.BANNED || k.state() == KeyState.ACTIVE;
                    continue;
                }
                active.add(k);
                if (cooldown <= now) {
                    rested.add(k);
                }
            }
        }
        if (active.isEmpty()) {
            throw refused(new LeaseRefusal(anyBanned ? "ALL_BANNED" : "NO_KEYS", noKeysSeconds()), spec.project());
        }
        // Prefer a key whose project is not cooling down for this model; any active key otherwise.
        Catalog.Key k = pick(rested.isEmpty() ? active : rested);
        grantedCounter("quota-free");
        return new LeaseGrant(null, String.valueOf(k.id()), catalog.project(k.projectId()).name(), k.secret(), model,
                null, false);
    }

    /** One project as the lease path sees it: its usable keys, a candidate row for the shared rules, its live bucket. */
    record View(Catalog.Group group, List<Catalog.Key> active, Scored scored, LiveBucket live, long blockLeft) {
    }

    /** The view of one project for (model, quota model) now: catalog, overlays and this replica's live counts. */
    View view(Catalog catalog, Catalog.Group g, String model, String qm, FamilyQuotas.FamilyQuota family, long now,
              long minute, int day) {
        long projectId = g.project().id();
        // Per project and lease: no list and no stream unless a key was banned since the snapshot.
        List<Catalog.Key> active = g.active();
        boolean anyBanned = false;
        for (Catalog.Key k : g.active()) {
            if (snapshots.isBanned(k)) {
                anyBanned = true;
                break;
            }
        }
        if (anyBanned) {
            active = new ArrayList<>(g.active().size());
            for (Catalog.Key k : g.active()) {
                if (!snapshots.isBanned(k)) {
                    active.add(k);
                }
            }
        } else {
            for (Catalog.Key k : g.keys()) {
                if (k.state() == KeyState.BANNED) {
                    anyBanned = true;
                    break;
                }
            }
        }
        var row = catalog.bucket(projectId, qm);
        LeaseRepository.Bucket stored = row == null ? LeaseRepository.Bucket.EMPTY : row;
        LiveBucket live = blocks.of(projectId, qm, catalog);
        LeaseRepository.Bucket bucket = new LeaseRepository.Bucket(stored.exists() || live.exists(), minute,
                live.minuteUsedIn(minute), day, live.dayUsedIn(day), minute, live.tokensUsedIn(minute),
                snapshots.cooldownUntil(projectId, qm, stored.cooldownUntilMs()),
                snapshots.exhaustedDay(projectId, qm, stored.exhaustedDay()),
                stored.learnedRpm(), stored.learnedRpmAt(), stored.learnedRpd(), stored.learnedRpdAt(),
                stored.learnedTpm(), stored.learnedTpmAt(), live.probeDay(0, stored.rpmProbeDay()),
                live.probeDay(1, stored.rpdProbeDay()), live.probeDay(2, stored.tpmProbeDay()));
        Catalog.Limits override = catalog.projectQuota(projectId, model);
        Catalog.Limits admin = catalog.modelQuota(model);
        Catalog.Hint hint = catalog.hint(qm, g.project().tier());
        KeyState state = !active.isEmpty() ? KeyState.ACTIVE : anyBanned ? KeyState.BANNED : KeyState.DISABLED;
        Candidate c = new Candidate(0, projectId, g.project().name(), state, null, g.project().tier(),
                snapshots.blockedUntil(g.project()), qm, catalog.retired(projectId, model),
                override == null ? null : override.rpm(), override == null ? null : override.rpd(),
                override == null ? null : override.tpm(),
                admin == null ? null : admin.rpm(), admin == null ? null : admin.rpd(), admin == null ? null : admin.tpm(),
                hint == null ? null : hint.rpm(), hint == null ? null : hint.rpmAt(),
                hint == null ? null : hint.rpd(), hint == null ? null : hint.rpdAt(),
                hint == null ? null : hint.tpm(), hint == null ? null : hint.tpmAt(), bucket);
        ResolvedLimits resolved = live.resolved();
        WindowLimits limits;
        if (resolved != null && resolved.holdsFor(override, admin, stored, hint, family, now)) {
            limits = resolved.limits();
        } else {
            limits = limits(c, family, now);
            live.resolved(ResolvedLimits.of(override, admin, stored, hint, family, now, limits));
        }
        return new View(g, active, new Scored(c, limits), live, live.blockLeft(minute, day));
    }

    /** Room now: the shared rule, or a unit left in this replica's block (already counted in the row). */
    static boolean usable(View v, long minute, int day, long now, long tokens) {
        if (v.active().isEmpty()) {
            return false;
        }
        Candidate c = v.scored().c();
        var b = c.bucket();
        if (v.blockLeft() > 0 && !c.retired() && c.blockedUntilMs() <= now && b.exhaustedDay() != day
                && b.cooldownUntilMs() <= now && !v.scored().limits().parked()) {
            return true;
        }
        return hasRoom(v.scored(), minute, day, now, tokens);
    }

    /**
     * Least used first (as a share of the limit in 1 % steps, minute then day); among equals a project whose block
     * this replica holds, so that with large limits one bucket takes this replica's demand and its block grows with
     * the rate, while small free-tier buckets (every call a step) are still strictly least-used first.
     */
    static final Comparator<View> LEAST_USED = Comparator.<View>comparingLong(v -> share(
                    v.scored().c().bucket().minuteUsedIn(v.scored().c().bucket().minuteWindow()), v.scored().limits().rpm()))
            .thenComparingLong(v -> share(v.scored().c().bucket().dayUsedIn(v.scored().c().bucket().dayWindow()),
                    v.scored().limits().rpd()))
            .thenComparing(v -> v.blockLeft() > 0 ? 0 : 1);

    /** Per (spec, model): this replica's lease rate (it sizes blocks) and the projects whose blocks it holds. */
    record Demand(RateMeter rate, BlockHolders holders) {
    }

    private final Map<List<Object>, Demand> demand = new ConcurrentHashMap<>();

    private Demand demandOf(Catalog.Spec spec, String model) {
        List<Object> id = List.of(spec, model);
        Demand d = demand.get(id);
        if (d == null) {
            if (demand.size() > 10_000) {
                demand.clear();
            }
            d = demand.computeIfAbsent(id, x -> new Demand(new RateMeter(), new BlockHolders()));
        }
        return d;
    }

    private Uni<LeaseGrant> reserveLease(Catalog catalog, Catalog.Spec spec, String model, String requestId,
                                         long tokens, int round, boolean retried) {
        long now = time.nowMillis();
        long minute = TimeSource.minuteWindow(now);
        int day = TimeSource.dayWindow(now);
        FamilyQuotas.FamilyQuota family = families.match(model);
        String qm = catalog.quotaModel(model);
        List<Catalog.Group> groups = catalog.groups(spec);
        java.util.function.IntFunction<View> eligible = i -> {
            View v = view(catalog, groups.get(i), model, qm, family, now, minute, day);
            return usable(v, minute, day, now, tokens) ? v : null;
        };
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Demand demand = demandOf(spec, model);
        demand.rate().note(now);
        List<View> sampled = Selection.choose(groups.size(), eligible, LEAST_USED, random);
        if (groups.size() > Selection.SCAN_LIMIT) {
            // The projects whose blocks this replica holds are always among the sampled ones.
            List<View> offered = demand.holders().offer(sampled, groups.size(), eligible, v -> v.blockLeft() > 0,
                    (a, b) -> a.group() == b.group());
            if (offered != sampled) {
                offered.sort(LEAST_USED);
                sampled = offered;
            }
        }
        List<View> order = sampled.isEmpty() && groups.size() > Selection.SCAN_LIMIT
                ? Selection.all(groups.size(), eligible, LEAST_USED, random) : sampled;
        return tryViews(order, 0, model, requestId, now, minute, day, tokens, demand, groups, catalog.version)
                .flatMap(grant -> {
            if (grant == STALE) {
                if (round >= MAX_ROUNDS) {
                    throw refused(new LeaseRefusal("MINUTE_EXHAUSTED", 1), spec.project());
                }
                return snapshots.reloadIfOlder(catalog).flatMap(fresh -> reserveLease(fresh, spec, model, requestId,
                        tokens, round + 1, retried));
            }
            if (grant != null) {
                return Uni.createFrom().item(grant);
            }
            if (!order.isEmpty() && !retried) {
                // Every project we saw room in was taken meanwhile: look once more with fresh numbers.
                return reserveLease(catalog, spec, model, requestId, tokens, round, true);
            }
            List<Scored> all = new ArrayList<>(groups.size());
            for (Catalog.Group g : groups) {
                all.add(view(catalog, g, model, qm, family, now, minute, day).scored());
            }
            LeaseRefusal refusal = classify(all, now, tokens);
            if (spec.project() != null && !groups.isEmpty()
                    && snapshots.blockedUntil(groups.get(0).project()) > now
                    && !"ALL_BANNED".equals(refusal.reason()) && !"NO_KEYS".equals(refusal.reason())) {
                refusal = new LeaseRefusal("PROJECT_BLOCKED", refusal.retryAfterSeconds());
            }
            throw refused(refusal, spec.project());
        });
    }

    /** Marker result of {@link #tryViews}: the snapshot was stale, the lease starts again on a fresh one. */
    static final LeaseGrant STALE = new LeaseGrant(null, null, null, null, null, null, false);

    private Uni<LeaseGrant> tryViews(List<View> order, int index, String model, String requestId, long now,
                                     long minute, int day, long tokens, Demand demand, List<Catalog.Group> groups,
                                     long catalogVersion) {
        if (index >= order.size()) {
            return Uni.createFrom().nullItem();
        }
        View v = order.get(index);
        Candidate c = v.scored().c();
        WindowLimits l = v.scored().limits();
        LiveBucket live = v.live();
        boolean exactTokens = l.tpm().value() != null;
        if (live.take(minute, day, tokens, now, exactTokens)) {
            return grant(v, model, requestId, now, minute, day, tokens, 0);
        }
        int probeMask = probeMask(c.bucket(), l, minute, day, tokens);
        long perLease = live.tokensPerLease(tokens);
        int k = probeMask != 0 ? 1 : BlockSizer.size(demand.rate().rate(now), BLOCK_HOLD_SECONDS, config.quotaBlockMax(),
                BlockSizer.left(l.rpm(), c.bucket().minuteUsedIn(minute)),
                BlockSizer.left(l.rpd(), c.bucket().dayUsedIn(day)),
                BlockSizer.leftUnits(l.tpm(), c.bucket().tokensUsedIn(minute), perLease));
        // With a known input-token limit the block's leases take their tokens from an allowance reserved with it.
        long allowance = exactTokens && k > 1 ? (k - 1) * perLease : 0;
        Uni<Void> bucket = c.bucket().exists() ? Uni.createFrom().voidItem()
                : repository.ensureBucket(c.projectId(), c.quotaModel()).invoke(live::markExists);
        var single = new LeaseRepository.Reservation(c.projectId(), c.quotaModel(), minute, day, now, tokens,
                l.rpm().bound(), l.rpm().provisional(), l.rpd().bound(), l.rpd().provisional(),
                l.tpm().bound(), l.tpm().provisional(), catalogVersion);
        var block = allowance == 0 ? single : new LeaseRepository.Reservation(c.projectId(), c.quotaModel(), minute,
                day, now, tokens + allowance, l.rpm().bound(), l.rpm().provisional(), l.rpd().bound(),
                l.rpd().provisional(), l.tpm().bound(), l.tpm().provisional(), catalogVersion);
        java.util.concurrent.atomic.AtomicLong extra = new java.util.concurrent.atomic.AtomicLong(allowance);
        return bucket.flatMap(x -> repository.reserve(block, k))
                .flatMap(ok -> ok || k == 1 ? Uni.createFrom().item(ok ? k : 0)
                        : repository.reserve(single, 1).invoke(one -> extra.set(0)).map(one -> one ? 1 : 0))
                .flatMap(units -> {
                    if (units > 0) {
                        live.reserved(minute, day, units, tokens, units > 1 ? extra.get() : 0, now);
                        live.probed(probeMask, day);
                        if (units > 1) {
                            demand.holders().held(indexOf(groups, v.group()));
                        }
                        return grant(v, model, requestId, now, minute, day, tokens, probeMask);
                    }
                    // Taken meanwhile (another request or replica): learn the row's counts, try the next project.
                    return repository.readBucket(c.projectId(), c.quotaModel()).flatMap(read -> {
                        var row = read.getKey();
                        if (read.getValue() != catalogVersion) {
                            // Something changed since this snapshot (here or on another replica): reload, start over.
                            return Uni.createFrom().item(STALE);
                        }
                        if (row.exists()) {
                            live.observed(row.minuteWindow(), row.minuteUsed(), row.dayWindow(), row.dayUsed(),
                                    row.tpmWindow(), row.tpmUsed());
                            live.probed(row.rpmProbeDay() == day ? 1 : 0, row.rpmProbeDay());
                            live.probed(row.rpdProbeDay() == day ? 2 : 0, row.rpdProbeDay());
                            live.probed(row.tpmProbeDay() == day ? 4 : 0, row.tpmProbeDay());
                        }
                        return tryViews(order, index + 1, model, requestId, now, minute, day, tokens, demand, groups,
                                catalogVersion);
                    });
                });
    }

    private static int indexOf(List<Catalog.Group> groups, Catalog.Group g) {
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i) == g) {
                return i;
            }
        }
        return -1;
    }

    private Uni<LeaseGrant> grant(View v, String model, String requestId, long now, long minute, int day, long tokens,
                                  int probeMask) {
        Candidate c = v.scored().c();
        Catalog.Key key = pick(v.active());
        String leaseId = org.geminipool.contract.RandomIds.timeOrdered();
        long expires = now + config.leaseTtl().toMillis();
        // Answered before the row is committed: the reservation is already durable in the bucket row, and the row
        // follows in the writer's next group commit. Settles on this replica find the lease in memory and are queued
        // behind its insert; a settle applied at once waits for the insert first (see unwritten).
        CompletableFuture<Void> written = writer.insert(new LeaseWriter.NewLease(leaseId, requestId, key.id(),
                c.projectId(), model, c.quotaModel(), minute, day, now, expires, tokens, probeMask));
        recent.put(new LeaseRow(leaseId, key.id(), c.projectId(), model, c.quotaModel(), minute, day, now, expires,
                null, tokens, probeMask));
        if (!written.isDone()) {
            unwritten.put(leaseId, written);
            written.whenComplete((ok, e) -> {
                unwritten.remove(leaseId);
                if (e != null) {
                    counter("keypool_lease_rows_lost_total", "reason", "write-failed").increment();
                }
            });
        }
        grantedCounter("lease");
        return Uni.createFrom().item(new LeaseGrant(leaseId, String.valueOf(key.id()), c.project(), key.secret(), model,
                Instant.ofEpochMilli(expires).toString(), probeMask != 0));
    }

    /** Lease rows of this replica queued for the group commit: a settle applied in its own transaction awaits them. */
    private final Map<String, CompletableFuture<Void>> unwritten = new ConcurrentHashMap<>();

    private Uni<Void> written(String leaseId) {
        CompletableFuture<Void> f = unwritten.get(leaseId);
        if (f == null) {
            return Uni.createFrom().voidItem();
        }
        writer.flushNow(); // not after the row's linger: a failure's effects (a ban) must not wait
        return Uni.createFrom().completionStage(f).onFailure().recoverWithNull().replaceWithVoid();
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
        return refused(refusal, null);
    }

    /** The 429; with {@code project} (a lease constrained to one Google project) the body and message name it. */
    ApiException refused(LeaseRefusal refusal, String project) {
        counter("keypool_leases_refused_total", "reason", refusal.reason()).increment();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", refusal.reason());
        body.put("retryAfterSeconds", refusal.retryAfterSeconds());
        String error = switch (refusal.reason()) {
            case "NO_KEYS" -> "no active key in this pool serves this model";
            case "ALL_BANNED" -> "every key in this pool that serves this model is banned";
            case "MODEL_RETIRED" -> "Google answered that this model is no longer available for every project of"
                    + " this pool";
            case "MODEL_UNAVAILABLE" -> "this model has no quota on the tier of any project of this pool (Google"
                    + " answered limit: 0)";
            case "DAY_EXHAUSTED" -> "every key's daily quota for this model is spent until Pacific midnight";
            case "PROJECT_BLOCKED" -> "this project is skipped: its billing is down (prepayment credits depleted)"
                    + " until the re-check";
            default -> "every key's per-minute quota for this model is spent or cooling down";
        };
        if (project != null) {
            body.put("project", project);
            error = "project " + project + ": " + ("NO_KEYS".equals(refusal.reason())
                    ? "no active key of this project in this pool serves this model" : error);
        }
        body.put("error", error);
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
        LeaseRow cached = recent.get(leaseId);
        Uni<LeaseRow> found = cached != null ? Uni.createFrom().item(cached) : findLease(leaseId);
        return found.flatMap(lease -> {
            if (lease == null) {
                throw ApiException.notFound("unknown lease " + leaseId);
            }
            long now = time.nowMillis();
            Uni<Boolean> applied = batched(settled, violations, lease)
                    ? writer.settle(new LeaseWriter.Settle(leaseId, settled.name(), now, toInt(request.promptTokens()),
                            toInt(request.completionTokens()), LeaseRepositoryText.clip(request.reason()),
                            settled == Outcome.SUCCESS, lease.keyId(), lease.projectId(), lease.quotaModel(),
                            lease.minuteWindow(), request.promptTokens() == null ? 0
                                    : request.promptTokens() - lease.estTokens()))
                    : written(leaseId).flatMap(w -> settleNow(leaseId, lease, settled, request, violations, now));
            return applied.flatMap(changed -> {
                recent.remove(leaseId);
                if (changed && request.promptTokens() != null && request.promptTokens() != lease.estTokens()) {
                    LiveBucket live = blocks.existing(lease.projectId(), lease.quotaModel());
                    if (live != null) {
                        live.correctTokens(lease.minuteWindow(), request.promptTokens() - lease.estTokens());
                    }
                }
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

    /** Waits this long once for a lease the database does not have yet: another replica may still be committing it. */
    static final java.time.Duration UNCOMMITTED_GRACE = java.time.Duration.ofMillis(150);

    private Uni<LeaseRow> findLease(String leaseId) {
        return repository.findLease(leaseId).flatMap(row -> row != null ? Uni.createFrom().item(row)
                : Uni.createFrom().voidItem().onItem().delayIt().by(UNCOMMITTED_GRACE)
                        .flatMap(v -> repository.findLease(leaseId)));
    }

    /**
     * Outcomes whose only effects are the lease row, the failure streak and the token count: written with the group
     * commit of {@link LeaseWriter}. The rest (bans, 429 learning, cooldowns, day marks, probes) are applied at once
     * in their own transaction, and this replica's snapshot is reloaded before the answer.
     */
    static boolean batched(Outcome outcome, List<QuotaViolation> violations, LeaseRow lease) {
        return violations.isEmpty() && lease.probeMask() == 0 && switch (outcome) {
            case SUCCESS, OVERLOADED, CLIENT_ERROR, LOCATION_UNSUPPORTED -> true;
            default -> false;
        };
    }

    private Uni<Boolean> settleNow(String leaseId, LeaseRow lease, Outcome settled, OutcomeReport request,
                                   List<QuotaViolation> violations, long now) {
        java.util.concurrent.atomic.AtomicInteger streak = new java.util.concurrent.atomic.AtomicInteger();
        return repository.inTransaction(c -> repository.settle(c, leaseId, settled.name(), now,
                        toInt(request.promptTokens()), toInt(request.completionTokens()),
                        LeaseRepositoryText.clip(request.reason()))
                .flatMap(changed -> {
                    if (!changed) {
                        return Uni.createFrom().item(false);
                    }
                    return applyEffects(c, lease, settled, request, violations, now, streak)
                            .flatMap(v -> changesSnapshot(settled, violations, lease, streak.get())
                                    ? org.geminipool.keypool.repository.ChangeCounter.bump(c)
                                    : Uni.createFrom().voidItem())
                            .replaceWith(true);
                }))
                .flatMap(changed -> {
                    if (!changed) {
                        return Uni.createFrom().item(false);
                    }
                    // This replica sees the change before it answers: at once in the overlay, then in a reload.
                    String qm = quotaModelOf(violations, lease);
                    boolean reload = !violations.isEmpty() || lease.probeMask() != 0;
                    switch (settled) {
                        case INVALID_KEY, PERMISSION_DENIED -> snapshots.banned(lease.keyId());
                        case PROJECT_DENIED -> snapshots.projectBanned(lease.projectId());
                        case QUOTA_EXHAUSTED_DAY -> {
                            snapshots.dayExhausted(lease.projectId(), qm, lease.dayWindow());
                            blocks.release(lease.projectId(), qm);
                        }
                        case RATE_LIMITED -> {
                            long seconds = request.retryAfterSeconds() != null && request.retryAfterSeconds() > 0
                                    ? Math.min(request.retryAfterSeconds(), 86_400) : config.rateLimitCooldown().toSeconds();
                            snapshots.cooledDown(lease.projectId(), qm, now + seconds * 1000);
                            blocks.release(lease.projectId(), qm);
                        }
                        case BILLING_DEPLETED -> snapshots.projectBlocked(lease.projectId(),
                                now + config.billingRecheckAfter().toMillis());
                        case UPSTREAM_ERROR -> {
                            if (streak.get() >= config.banAfterUpstreamErrors()) {
                                snapshots.banned(lease.keyId());
                                reload = true;
                            }
                        }
                        default -> {
                        }
                    }
                    reload |= switch (settled) {
                        case INVALID_KEY, PERMISSION_DENIED, PROJECT_DENIED, QUOTA_EXHAUSTED_DAY, RATE_LIMITED,
                             BILLING_DEPLETED, MODEL_UNAVAILABLE, MODEL_RETIRED -> true;
                        default -> false;
                    };
                    return reload ? snapshots.reload().onFailure().recoverWithNull().replaceWith(true)
                            : Uni.createFrom().item(true);
                });
    }

    /** Whether a settled outcome changed what the snapshot holds (then the change counter is bumped with it). */
    boolean changesSnapshot(Outcome settled, List<QuotaViolation> violations, LeaseRow lease, int streak) {
        if (!violations.isEmpty() || lease.probeMask() != 0) {
            return true;
        }
        return switch (settled) {
            case INVALID_KEY, PERMISSION_DENIED, PROJECT_DENIED, QUOTA_EXHAUSTED_DAY, RATE_LIMITED, BILLING_DEPLETED,
                 MODEL_UNAVAILABLE, MODEL_RETIRED -> true;
            case UPSTREAM_ERROR -> streak >= config.banAfterUpstreamErrors();
            default -> false;
        };
    }

    /** Most entries in one {@code POST /outcomes}. */
    public static final int MAX_BATCH = 1000;

    /**
     * {@code POST /outcomes}: each entry applied as {@code POST /leases/{id}/outcome} would apply it, independently;
     * the answer lists per entry its index, lease id and status (204, or the 4xx with its error).
     */
    public Uni<Map<String, Object>> settleBatch(OutcomeBatch batch) {
        if (batch == null || batch.outcomes() == null) {
            throw ApiException.badRequest("a JSON body {\"outcomes\":[{\"leaseId\",\"outcome\":{…}}]} is required");
        }
        if (batch.outcomes().size() > MAX_BATCH) {
            throw ApiException.badRequest("at most " + MAX_BATCH + " outcomes per batch");
        }
        List<Uni<Map<String, Object>>> each = new ArrayList<>(batch.outcomes().size());
        for (int i = 0; i < batch.outcomes().size(); i++) {
            int index = i;
            OutcomeBatch.Entry entry = batch.outcomes().get(i);
            Uni<Void> applied;
            try {
                applied = entry == null ? Uni.createFrom().failure(ApiException.badRequest(
                        "each entry needs a leaseId and an outcome")) : settle(entry.leaseId(), entry.outcome());
            } catch (ApiException e) {
                applied = Uni.createFrom().failure(e);
            }
            String leaseId = entry == null ? null : entry.leaseId();
            each.add(applied.map(v -> entryResult(index, leaseId, 204, null))
                    .onFailure(ApiException.class).recoverWithItem(e -> entryResult(index, leaseId,
                            ((ApiException) e).status(), ((ApiException) e).getMessage())));
        }
        if (each.isEmpty()) {
            return Uni.createFrom().item(Map.of("results", List.of()));
        }
        return Uni.join().all(each).andFailFast().map(results -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("results", results);
            return out;
        });
    }

    private static Map<String, Object> entryResult(int index, String leaseId, int status, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("leaseId", leaseId != null && leaseId.length() <= 36 ? leaseId : null);
        m.put("status", status);
        if (error != null) {
            m.put("error", error);
        }
        return m;
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
                                   OutcomeReport request, List<QuotaViolation> violations, long now,
                                   java.util.concurrent.atomic.AtomicInteger streak) {
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
                    .invoke(streak::set).replaceWithVoid();
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
