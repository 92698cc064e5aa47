package org.geminipool.keypool.snapshot;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.keypool.KeyState;
import org.geminipool.keypool.config.KeypoolConfig;
import org.geminipool.keypool.quota.FamilyQuotas;
import org.geminipool.keypool.repository.LeaseRepository;
import org.geminipool.keypool.repository.LeaseRepository.Bucket;
import org.geminipool.keypool.service.KeyCrypto;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds this replica's {@link Catalog} and keeps it true. Other replicas' changes: every write that changes what the
 * catalog holds bumps {@code gp_change.version} in its own transaction (triggers, V3); this replica reads that one row
 * every {@code GEMINI_POOL_SNAPSHOT_POLL} and reloads when it moved, so another replica's change is seen after at most
 * one poll interval plus one reload. This replica's own changes: the writer awaits {@link #reload()} before it answers,
 * and the changes that must hold at once (a ban, a cooldown, a day spent, a billing block) are also put in an overlay
 * the lease path reads, kept until a reload that started after them has replaced the catalog.
 */
@ApplicationScoped
public class Snapshots {

    private static final Logger LOG = Logger.getLogger(Snapshots.class);

    @Inject
    Pool pool;
    @Inject
    KeyCrypto crypto;
    @Inject
    KeypoolConfig config;
    @Inject
    FamilyQuotas families;
    @Inject
    Vertx vertx;
    @Inject
    org.geminipool.keypool.service.QuotaBlocks blocks;

    private volatile Catalog current;
    /** Decrypted secrets by key id, reused across reloads while the stored bytes are the same. */
    private final Map<Long, Map.Entry<byte[], String>> secrets = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    private CompletableFuture<Void> running;
    private CompletableFuture<Void> next;
    private long reloadsStarted;
    private long timer = -1;
    private volatile boolean polling;

    /** Overlay entries: a value (ban: 1, cooldown: until ms, day: exhausted day, block: until ms) and the reload seq. */
    record Mark(long value, long seq) {
    }

    private final Map<Long, Mark> bannedKeys = new ConcurrentHashMap<>();
    private final Map<Catalog.Pair, Mark> cooldowns = new ConcurrentHashMap<>();
    private final Map<Catalog.Pair, Mark> exhausted = new ConcurrentHashMap<>();
    private final Map<Long, Mark> blockedProjects = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        long every = Math.max(10, config.snapshotPoll().toMillis());
        timer = vertx.setPeriodic(every, id -> poll());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The catalog, loaded on first use. */
    public Uni<Catalog> catalog() {
        Catalog c = current;
        if (c != null) {
            return Uni.createFrom().item(c);
        }
        return reload().map(v -> current);
    }

    /** A catalog newer than {@code stale}: the current one if a reload already replaced it, else after a reload. */
    public Uni<Catalog> reloadIfOlder(Catalog stale) {
        Catalog c = current;
        if (c != null && c != stale && c.version != stale.version) {
            return Uni.createFrom().item(c);
        }
        return reload().map(v -> current);
    }

    /** The catalog if loaded (null before the first load). */
    public Catalog peek() {
        return current;
    }

    /** A reload that starts after this call; completes when its catalog is in place (coalesced with others). */
    public Uni<Void> reload() {
        CompletableFuture<Void> f;
        synchronized (lock) {
            if (running == null) {
                running = new CompletableFuture<>();
                f = running;
                startLoad(running);
            } else {
                if (next == null) {
                    next = new CompletableFuture<>();
                }
                f = next;
            }
        }
        return Uni.createFrom().completionStage(f);
    }

    private void startLoad(CompletableFuture<Void> done) {
        long seq;
        synchronized (lock) {
            seq = ++reloadsStarted;
        }
        families.reload().replaceWithVoid().onFailure().recoverWithNull()
                .flatMap(v -> pool.withTransaction(this::load))
                .subscribe().with(catalog -> {
                    current = catalog;
                    dropOverlays(seq);
                    // The database's counts (other replicas' reservations too); blocks reserved under the old limits
                    // go back, so a limit that changed binds at once.
                    blocks.refresh(catalog);
                    blocks.drain(true);
                    finish(done, null);
                }, failure -> {
                    LOG.debugf("snapshot not reloaded: %s", failure.toString());
                    finish(done, failure);
                });
    }

    private void finish(CompletableFuture<Void> done, Throwable failure) {
        CompletableFuture<Void> following;
        synchronized (lock) {
            following = next;
            next = null;
            running = following;
        }
        if (following != null) {
            startLoad(following);
        }
        if (failure == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failure);
        }
    }

    /** One cheap read of the change counter; reloads when another writer moved it. */
    void poll() {
        Catalog c = current;
        if (c == null || polling) {
            return;
        }
        polling = true;
        pool.query("SELECT version FROM gp_change WHERE id = 1").execute()
                .flatMap(set -> {
                    long version = set.iterator().hasNext() ? set.iterator().next().getLong(0) : -1;
                    return version != c.version && current == c ? reload() : Uni.createFrom().voidItem();
                })
                .subscribe().with(v -> polling = false, e -> {
                    polling = false;
                    LOG.debugf("change counter not read: %s", e.toString());
                });
    }

    // ------------------------------------------------------------------ overlays for this replica's own changes

    private long seq() {
        synchronized (lock) {
            return reloadsStarted;
        }
    }

    private void dropOverlays(long loadSeq) {
        bannedKeys.values().removeIf(m -> m.seq() < loadSeq);
        cooldowns.values().removeIf(m -> m.seq() < loadSeq);
        exhausted.values().removeIf(m -> m.seq() < loadSeq);
        blockedProjects.values().removeIf(m -> m.seq() < loadSeq);
    }

    public void banned(long keyId) {
        bannedKeys.put(keyId, new Mark(1, seq()));
    }

    public void projectBanned(long projectId) {
        Catalog c = current;
        if (c != null) {
            c.keys.values().stream().filter(k -> k.projectId() == projectId).forEach(k -> banned(k.id()));
        }
    }

    public void cooledDown(long projectId, String quotaModel, long untilMs) {
        cooldowns.merge(Catalog.pair(projectId, quotaModel), new Mark(untilMs, seq()),
                (a, b) -> new Mark(Math.max(a.value(), b.value()), b.seq()));
    }

    public void dayExhausted(long projectId, String quotaModel, int day) {
        exhausted.merge(Catalog.pair(projectId, quotaModel), new Mark(day, seq()),
                (a, b) -> new Mark(Math.max(a.value(), b.value()), b.seq()));
    }

    public void projectBlocked(long projectId, long untilMs) {
        blockedProjects.merge(projectId, new Mark(untilMs, seq()),
                (a, b) -> new Mark(Math.max(a.value(), b.value()), b.seq()));
    }

    public boolean isBanned(Catalog.Key key) {
        return key.state() != KeyState.ACTIVE || !bannedKeys.isEmpty() && bannedKeys.containsKey(key.id());
    }

    public long cooldownUntil(long projectId, String quotaModel, long stored) {
        Mark m = cooldowns.isEmpty() ? null : cooldowns.get(Catalog.pair(projectId, quotaModel));
        return m == null ? stored : Math.max(stored, m.value());
    }

    public int exhaustedDay(long projectId, String quotaModel, int stored) {
        Mark m = exhausted.isEmpty() ? null : exhausted.get(Catalog.pair(projectId, quotaModel));
        return m == null ? stored : (int) Math.max(stored, m.value());
    }

    public long blockedUntil(Catalog.Project project) {
        Mark m = blockedProjects.isEmpty() ? null : blockedProjects.get(project.id());
        return m == null ? project.blockedUntilMs() : Math.max(project.blockedUntilMs(), m.value());
    }

    // ------------------------------------------------------------------ loading

    private Uni<Catalog> load(SqlConnection c) {
        Map<String, Object> parts = new HashMap<>();
        return c.query("SELECT version FROM gp_change WHERE id = 1").execute()
                .invoke(set -> parts.put("version", set.iterator().hasNext() ? set.iterator().next().getLong(0) : 0L))
                .flatMap(v -> c.query("SELECT key_id, pool FROM gp_key_pool").execute())
                .invoke(set -> {
                    Map<Long, Set<String>> pools = new HashMap<>();
                    for (Row r : set) {
                        pools.computeIfAbsent(r.getLong(0), x -> new HashSet<>()).add(r.getString(1));
                    }
                    parts.put("pools", pools);
                })
                .flatMap(v -> c.query("SELECT id, project_id, state, secret FROM gp_key").execute())
                .invoke(set -> {
                    @SuppressWarnings("unchecked")
                    Map<Long, Set<String>> pools = (Map<Long, Set<String>>) parts.get("pools");
                    List<Catalog.Key> keys = new ArrayList<>(set.size());
                    Set<Long> seen = new HashSet<>();
                    for (Row r : set) {
                        long id = r.getLong("id");
                        seen.add(id);
                        byte[] stored = r.getBuffer("secret").getBytes();
                        var known = secrets.get(id);
                        String plain;
                        if (known != null && Arrays.equals(known.getKey(), stored)) {
                            plain = known.getValue();
                        } else {
                            plain = crypto.decrypt(stored);
                            secrets.put(id, Map.entry(stored, plain));
                        }
                        keys.add(new Catalog.Key(id, r.getLong("project_id"), KeyState.valueOf(r.getString("state")),
                                plain, Set.copyOf(pools.getOrDefault(id, Set.of()))));
                    }
                    secrets.keySet().retainAll(seen);
                    parts.put("keys", keys);
                })
                .flatMap(v -> c.query("SELECT id, name, tier, blocked_until_ms FROM gp_project").execute())
                .invoke(set -> {
                    List<Catalog.Project> projects = new ArrayList<>(set.size());
                    for (Row r : set) {
                        projects.add(new Catalog.Project(r.getLong("id"), r.getString("name"), r.getString("tier"),
                                r.getLong("blocked_until_ms")));
                    }
                    parts.put("projects", projects);
                })
                .flatMap(v -> c.query("SELECT model, rpm, rpd, tpm FROM gp_model_quota").execute())
                .invoke(set -> {
                    Map<String, Catalog.Limits> m = new HashMap<>();
                    for (Row r : set) {
                        m.put(r.getString("model"), new Catalog.Limits(r.getLong("rpm"), r.getLong("rpd"), r.getLong("tpm")));
                    }
                    parts.put("modelQuotas", m);
                })
                .flatMap(v -> c.query("SELECT project_id, model, rpm, rpd, tpm FROM gp_project_quota").execute())
                .invoke(set -> {
                    Map<Catalog.Pair, Catalog.Limits> m = new HashMap<>();
                    for (Row r : set) {
                        m.put(Catalog.pair(r.getLong("project_id"), r.getString("model")),
                                new Catalog.Limits(r.getLong("rpm"), r.getLong("rpd"), r.getLong("tpm")));
                    }
                    parts.put("projectQuotas", m);
                })
                .flatMap(v -> c.query("SELECT quota_model, tier, rpm, rpm_at_ms, rpd, rpd_at_ms, tpm, tpm_at_ms"
                        + " FROM gp_limit_hint").execute())
                .invoke(set -> {
                    Map<Catalog.Pair, Catalog.Hint> m = new HashMap<>();
                    for (Row r : set) {
                        m.put(Catalog.pair(r.getString("quota_model"), r.getString("tier")), new Catalog.Hint(
                                r.getLong("rpm"), r.getLong("rpm_at_ms"), r.getLong("rpd"), r.getLong("rpd_at_ms"),
                                r.getLong("tpm"), r.getLong("tpm_at_ms")));
                    }
                    parts.put("hints", m);
                })
                .flatMap(v -> c.query("SELECT model, quota_model FROM gp_quota_model").execute())
                .invoke(set -> {
                    Map<String, String> m = new HashMap<>();
                    for (Row r : set) {
                        m.put(r.getString(0), r.getString(1));
                    }
                    parts.put("quotaModels", m);
                })
                .flatMap(v -> c.query("SELECT project_id, model FROM gp_model_retirement").execute())
                .invoke(set -> {
                    Set<Catalog.Pair> m = new HashSet<>();
                    for (Row r : set) {
                        m.add(Catalog.pair(r.getLong(0), r.getString(1)));
                    }
                    parts.put("retirements", m);
                })
                .flatMap(v -> c.query("SELECT * FROM gp_quota_bucket").execute())
                .map(set -> {
                    Map<Catalog.Pair, Bucket> m = new HashMap<>();
                    for (Row r : set) {
                        m.put(Catalog.pair(r.getLong("project_id"), r.getString("model")), LeaseRepository.bucketOf(r));
                    }
                    @SuppressWarnings("unchecked")
                    Catalog catalog = new Catalog((Long) parts.get("version"), (List<Catalog.Key>) parts.get("keys"),
                            (List<Catalog.Project>) parts.get("projects"),
                            (Map<String, Catalog.Limits>) parts.get("modelQuotas"),
                            (Map<Catalog.Pair, Catalog.Limits>) parts.get("projectQuotas"),
                            (Map<Catalog.Pair, Catalog.Hint>) parts.get("hints"),
                            (Map<String, String>) parts.get("quotaModels"), (Set<Catalog.Pair>) parts.get("retirements"), m);
                    return catalog;
                });
    }
}
