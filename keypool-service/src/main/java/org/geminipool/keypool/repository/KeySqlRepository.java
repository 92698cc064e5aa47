package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Key administration in SQL: bulk import in one transaction, listing with pools, pool/project changes. */
@ApplicationScoped
public class KeySqlRepository {

    /** A key as the admin API shows it: never the raw key. */
    public record KeyView(long id, String masked, String fingerprint, String project, Set<String> pools, String state,
                          String stateReason, long stateChangedAtMs, int failureStreak, Long lastCheckedAtMs,
                          String lastCheckResult, long createdAtMs) {
    }

    public record NewKey(byte[] secret, String fingerprint, String masked, String project, Set<String> pools) {
    }

    private static final String VIEW = "SELECT k.id, k.masked, k.fingerprint, p.name AS project, k.state,"
            + " k.state_reason, k.state_changed_at_ms, k.failure_streak, k.last_checked_at_ms, k.last_check_result,"
            + " k.created_at_ms, (SELECT GROUP_CONCAT(kp.pool ORDER BY kp.pool SEPARATOR ',') FROM gp_key_pool kp"
            + " WHERE kp.key_id = k.id) AS pools FROM gp_key k JOIN gp_project p ON p.id = k.project_id";

    @Inject
    Pool pool;

    public Pool pool() {
        return pool;
    }

    public Uni<List<KeyView>> list(String poolName, String state, String project) {
        StringBuilder sql = new StringBuilder(VIEW).append(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (poolName != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM gp_key_pool x WHERE x.key_id = k.id AND x.pool = ?)");
            args.add(poolName);
        }
        if (state != null) {
            sql.append(" AND k.state = ?");
            args.add(state);
        }
        if (project != null) {
            sql.append(" AND p.name = ?");
            args.add(project);
        }
        sql.append(" ORDER BY k.id");
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(set -> {
            List<KeyView> out = new ArrayList<>(set.size());
            for (Row r : set) {
                out.add(view(r));
            }
            return out;
        });
    }

    public Uni<KeyView> find(long id) {
        return pool.preparedQuery(VIEW + " WHERE k.id = ?").execute(Tuple.of(id))
                .map(set -> set.iterator().hasNext() ? view(set.iterator().next()) : null);
    }

    public Uni<byte[]> secret(long id) {
        return pool.preparedQuery("SELECT secret FROM gp_key WHERE id = ?").execute(Tuple.of(id))
                .map(set -> set.iterator().hasNext() ? set.iterator().next().getBuffer("secret").getBytes() : null);
    }

    private static KeyView view(Row r) {
        String pools = r.getString("pools");
        Set<String> poolSet = pools == null ? new TreeSet<>() : new TreeSet<>(Arrays.asList(pools.split(",")));
        return new KeyView(r.getLong("id"), r.getString("masked"), r.getString("fingerprint"), r.getString("project"),
                poolSet, r.getString("state"), r.getString("state_reason"), r.getLong("state_changed_at_ms"),
                r.getInteger("failure_streak"), r.getLong("last_checked_at_ms"), r.getString("last_check_result"),
                r.getLong("created_at_ms"));
    }

    /** Fingerprints among {@code fingerprints} that are stored already. */
    public Uni<Set<String>> existingFingerprints(Collection<String> fingerprints) {
        if (fingerprints.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<String> all = new ArrayList<>(fingerprints);
        List<Uni<Set<String>>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 1000) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + 1000));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            chunks.add(pool.preparedQuery("SELECT fingerprint FROM gp_key WHERE fingerprint IN (" + marks + ")")
                    .execute(Tuple.from(new ArrayList<Object>(chunk))).map(set -> {
                        Set<String> found = new HashSet<>();
                        set.forEach(r -> found.add(r.getString("fingerprint")));
                        return found;
                    }));
        }
        return Uni.join().all(chunks).andFailFast().map(parts -> {
            Set<String> found = new HashSet<>();
            parts.forEach(found::addAll);
            return found;
        });
    }

    /**
     * Inserts all keys in one transaction: projects first (INSERT IGNORE), then keys (INSERT IGNORE on the unique
     * fingerprint, so a concurrent import of the same key is a duplicate, not an error), then pool rows. Returns the
     * fingerprints actually inserted mapped to their new ids.
     */
    public Uni<Map<String, Long>> insertAll(List<NewKey> keys, long nowMs) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return ChangeCounter.inTransaction(pool, c -> {
            Set<String> projects = new TreeSet<>();
            keys.forEach(k -> projects.add(k.project()));
            List<Tuple> projectRows = projects.stream().map(p -> Tuple.of(p, nowMs)).toList();
            return c.preparedQuery("INSERT IGNORE INTO gp_project (name, created_at_ms) VALUES (?, ?)")
                    .executeBatch(projectRows)
                    .flatMap(x -> projectIds(c, projects))
                    .flatMap(projectIds -> {
                        List<Tuple> rows = new ArrayList<>(keys.size());
                        for (NewKey k : keys) {
                            rows.add(Tuple.from(Arrays.asList(projectIds.get(k.project()), io.vertx.core.buffer.Buffer.buffer(k.secret()),
                                    k.fingerprint(), k.masked(), nowMs, nowMs)));
                        }
                        return c.preparedQuery("INSERT IGNORE INTO gp_key (project_id, secret, fingerprint, masked,"
                                + " state, state_changed_at_ms, failure_streak, created_at_ms)"
                                + " VALUES (?, ?, ?, ?, 'ACTIVE', ?, 0, ?)").executeBatch(rows);
                    })
                    .map(result -> {
                        // One result per batch row, in order: rowCount 0 means the fingerprint was there already.
                        Map<String, Long> ids = new LinkedHashMap<>();
                        io.vertx.sqlclient.SqlResult<?> r = result.getDelegate();
                        for (NewKey k : keys) {
                            if (r == null) {
                                break;
                            }
                            if (r.rowCount() == 1) {
                                ids.put(k.fingerprint(), r.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID));
                            }
                            r = r.next();
                        }
                        return ids;
                    })
                    .flatMap(ids -> {
                        List<Tuple> poolRows = new ArrayList<>();
                        for (NewKey k : keys) {
                            Long id = ids.get(k.fingerprint());
                            if (id != null) {
                                k.pools().forEach(p -> poolRows.add(Tuple.of(id, p)));
                            }
                        }
                        Uni<?> insertPools = poolRows.isEmpty() ? Uni.createFrom().voidItem()
                                : c.preparedQuery("INSERT IGNORE INTO gp_key_pool (key_id, pool) VALUES (?, ?)")
                                .executeBatch(poolRows);
                        return insertPools.replaceWith(ids);
                    });
        });
    }

    private Uni<Map<String, Long>> projectIds(SqlConnection c, Collection<String> names) {
        List<String> all = new ArrayList<>(names);
        Map<String, Long> out = new HashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < all.size(); i += 1000) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + 1000));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            chain = chain.flatMap(v -> c.preparedQuery("SELECT id, name FROM gp_project WHERE name IN (" + marks + ")")
                    .execute(Tuple.from(new ArrayList<Object>(chunk)))
                    .map(set -> {
                        set.forEach(r -> out.put(r.getString("name"), r.getLong("id")));
                        return null;
                    }));
        }
        return chain.map(v -> out);
    }

    /** Applies a PATCH in one transaction; false when the key does not exist. */
    public Uni<Boolean> update(long id, String state, Set<String> pools, String project, long nowMs) {
        return ChangeCounter.inTransaction(pool, c -> c.preparedQuery("SELECT id FROM gp_key WHERE id = ? FOR UPDATE")
                .execute(Tuple.of(id)).flatMap(found -> {
                    if (!found.iterator().hasNext()) {
                        return Uni.createFrom().item(false);
                    }
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    if (state != null) {
                        chain = chain.flatMap(v -> c.preparedQuery("UPDATE gp_key SET state = ?, state_reason = ?,"
                                        + " state_changed_at_ms = ?, failure_streak = IF(? = 'ACTIVE', 0, failure_streak)"
                                        + " WHERE id = ? AND state <> ?")
                                .execute(Tuple.from(Arrays.asList(state, "ACTIVE".equals(state) ? null : "by admin",
                                        nowMs, state, id, state)))
                                .flatMap(set -> set.rowCount() == 1
                                        ? c.preparedQuery("INSERT INTO gp_key_audit (key_id, at_ms, event, detail)"
                                                + " VALUES (?, ?, ?, 'by admin')").execute(Tuple.of(id, nowMs, state))
                                        .replaceWithVoid()
                                        : Uni.createFrom().voidItem()));
                    }
                    if (project != null) {
                        chain = chain.flatMap(v -> c.preparedQuery("INSERT IGNORE INTO gp_project (name, created_at_ms)"
                                        + " VALUES (?, ?)").execute(Tuple.of(project, nowMs)))
                                .flatMap(v -> c.preparedQuery("UPDATE gp_key SET project_id = (SELECT id FROM"
                                        + " gp_project WHERE name = ?) WHERE id = ?").execute(Tuple.of(project, id)))
                                .replaceWithVoid();
                    }
                    if (pools != null) {
                        chain = chain.flatMap(v -> c.preparedQuery("DELETE FROM gp_key_pool WHERE key_id = ?")
                                .execute(Tuple.of(id))).replaceWithVoid();
                        if (!pools.isEmpty()) {
                            List<Tuple> rows = pools.stream().map(p -> Tuple.of(id, p)).toList();
                            chain = chain.flatMap(v -> c.preparedQuery("INSERT INTO gp_key_pool (key_id, pool)"
                                    + " VALUES (?, ?)").executeBatch(rows)).replaceWithVoid();
                        }
                    }
                    return chain.replaceWith(true);
                }));
    }

    public Uni<Boolean> delete(long id) {
        return ChangeCounter.inTransaction(pool, c -> c.preparedQuery("DELETE FROM gp_key WHERE id = ?")
                .execute(Tuple.of(id)).map(set -> set.rowCount() == 1));
    }

    /** Pools with their keys counted by state. */
    public Uni<List<Map<String, Object>>> pools() {
        return pool.query("SELECT kp.pool, k.state, COUNT(*) AS n FROM gp_key_pool kp JOIN gp_key k ON k.id = kp.key_id"
                + " GROUP BY kp.pool, k.state ORDER BY kp.pool").execute().map(set -> {
                    Map<String, Map<String, Object>> byPool = new LinkedHashMap<>();
                    for (Row r : set) {
                        Map<String, Object> p = byPool.computeIfAbsent(r.getString("pool"), name -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("pool", name);
                            m.put("keys", 0L);
                            m.put("active", 0L);
                            m.put("disabled", 0L);
                            m.put("banned", 0L);
                            return m;
                        });
                        long n = r.getLong("n");
                        p.put("keys", (Long) p.get("keys") + n);
                        p.put(r.getString("state").toLowerCase(), n);
                    }
                    return new ArrayList<>(byPool.values());
                });
    }

    /** Upserts a project's override (creating the project when missing). */
    public Uni<Void> upsertProjectQuota(String project, String model, int rpm, int rpd, Integer tpm, long nowMs) {
        return ChangeCounter.inTransaction(pool, c -> c.preparedQuery("INSERT IGNORE INTO gp_project (name, created_at_ms)"
                        + " VALUES (?, ?)").execute(Tuple.of(project, nowMs))
                .flatMap(v -> c.preparedQuery("INSERT INTO gp_project_quota (project_id, model, rpm, rpd, tpm,"
                                + " updated_at_ms) SELECT id, ?, ?, ?, ?, ? FROM gp_project WHERE name = ?"
                                + " ON DUPLICATE KEY UPDATE rpm = VALUES(rpm), rpd = VALUES(rpd), tpm = VALUES(tpm),"
                                + " updated_at_ms = VALUES(updated_at_ms)")
                        .execute(Tuple.from(Arrays.asList(model, rpm, rpd, tpm, nowMs, project))))
                .replaceWithVoid());
    }

    /** The admin's default limits per model, by model name. */
    public Uni<List<Map<String, Object>>> modelQuotas() {
        return pool.query("SELECT model, rpm, rpd, tpm FROM gp_model_quota ORDER BY model").execute().map(set -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Row r : set) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model", r.getString("model"));
                m.put("rpm", r.getInteger("rpm"));
                m.put("rpd", r.getInteger("rpd"));
                m.put("tpm", r.getInteger("tpm"));
                out.add(m);
            }
            return out;
        });
    }

    /** Upserts the default limits of a model (bumping the change counter with it). */
    public Uni<Void> upsertModelQuota(String model, int rpm, int rpd, Integer tpm, long nowMs) {
        return ChangeCounter.inTransaction(pool, c -> c.preparedQuery("INSERT INTO gp_model_quota (model, rpm, rpd, tpm,"
                        + " updated_at_ms) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE rpm = VALUES(rpm),"
                        + " rpd = VALUES(rpd), tpm = VALUES(tpm), updated_at_ms = VALUES(updated_at_ms)")
                .execute(Tuple.from(Arrays.asList(model, rpm, rpd, tpm, nowMs))).replaceWithVoid());
    }

    public Uni<List<Map<String, Object>>> projectQuotas() {
        return pool.query("SELECT p.name, q.model, q.rpm, q.rpd, q.tpm FROM gp_project_quota q"
                + " JOIN gp_project p ON p.id = q.project_id ORDER BY p.name, q.model").execute().map(set -> {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Row r : set) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("project", r.getString("name"));
                        m.put("model", r.getString("model"));
                        m.put("rpm", r.getInteger("rpm"));
                        m.put("rpd", r.getInteger("rpd"));
                        m.put("tpm", r.getInteger("tpm"));
                        out.add(m);
                    }
                    return out;
                });
    }

    /** Models with any quota row (default or override), for capacity reports. */
    public Uni<List<String>> knownModels() {
        // Every model the pool has limits or counts for: admin rows, overrides, and the models leases were taken for.
        return pool.query("SELECT model FROM gp_model_quota UNION SELECT model FROM gp_project_quota"
                        + " UNION SELECT model FROM gp_quota_model UNION SELECT model FROM gp_quota_bucket"
                        + " WHERE model NOT IN (SELECT quota_model FROM gp_quota_model) ORDER BY 1")
                .execute().map(set -> {
                    List<String> out = new ArrayList<>();
                    set.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /** A key to check: id, masked form, state and the encrypted secret. */
    public record KeyToCheck(long id, String masked, String state, byte[] secret) {
    }

    /** Keys in a state, or with the given ids, or all (both null). */
    public Uni<List<KeyToCheck>> keysToCheck(String state, List<Long> ids) {
        String sql = "SELECT id, masked, state, secret FROM gp_key";
        List<Object> args = new ArrayList<>();
        if (state != null) {
            sql += " WHERE state = ?";
            args.add(state);
        } else if (ids != null) {
            if (ids.isEmpty()) {
                return Uni.createFrom().item(List.of());
            }
            sql += " WHERE id IN (" + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ")";
            args.addAll(ids);
        }
        return pool.preparedQuery(sql + " ORDER BY id").execute(Tuple.from(args)).map(set -> {
            List<KeyToCheck> out = new ArrayList<>();
            set.forEach(r -> out.add(new KeyToCheck(r.getLong("id"), r.getString("masked"), r.getString("state"),
                    r.getBuffer("secret").getBytes())));
            return out;
        });
    }

    /**
     * Records a probe verdict: VALID brings a BANNED key back to ACTIVE (streak reset, audit); INVALID/DENIED bans an
     * ACTIVE key or refreshes a BANNED key's reason. A DISABLED key only gets the check recorded. Returns the state
     * after.
     */
    public Uni<String> recordCheck(long id, String verdict, String reason, long nowMs) {
        return ChangeCounter.inTransaction(pool, c -> c.preparedQuery("SELECT state FROM gp_key WHERE id = ? FOR UPDATE")
                .execute(Tuple.of(id)).flatMap(set -> {
                    if (!set.iterator().hasNext()) {
                        return Uni.createFrom().item("DELETED");
                    }
                    String state = set.iterator().next().getString("state");
                    boolean valid = "VALID".equals(verdict);
                    String text = verdict + (reason == null ? "" : ": " + reason);
                    Uni<Void> touch = c.preparedQuery("UPDATE gp_key SET last_checked_at_ms = ?, last_check_result = ?"
                            + " WHERE id = ?").execute(Tuple.of(nowMs, verdict, id)).replaceWithVoid();
                    if (valid && "BANNED".equals(state)) {
                        return touch.flatMap(v -> c.preparedQuery("UPDATE gp_key SET state = 'ACTIVE', state_reason = NULL,"
                                        + " failure_streak = 0, state_changed_at_ms = ? WHERE id = ?")
                                .execute(Tuple.of(nowMs, id)))
                                .flatMap(v -> audit(c, id, nowMs, "REVALIDATED", "probe answered VALID"))
                                .replaceWith("ACTIVE");
                    }
                    if (!valid && "BANNED".equals(state)) {
                        return touch.flatMap(v -> c.preparedQuery("UPDATE gp_key SET state_reason = ? WHERE id = ?")
                                .execute(Tuple.of(text, id))).replaceWith("BANNED");
                    }
                    if (!valid && "ACTIVE".equals(state)) {
                        return touch.flatMap(v -> c.preparedQuery("UPDATE gp_key SET state = 'BANNED', state_reason = ?,"
                                        + " state_changed_at_ms = ? WHERE id = ?").execute(Tuple.of(text, nowMs, id)))
                                .flatMap(v -> audit(c, id, nowMs, "BANNED", "verify: " + text))
                                .replaceWith("BANNED");
                    }
                    return touch.replaceWith(state);
                }));
    }

    private static Uni<Void> audit(SqlConnection c, long id, long nowMs, String event, String detail) {
        return c.preparedQuery("INSERT INTO gp_key_audit (key_id, at_ms, event, detail) VALUES (?, ?, ?, ?)")
                .execute(Tuple.of(id, nowMs, event, detail)).replaceWithVoid();
    }

    /** Keys counted by state, for metrics. */
    public Uni<Map<String, Long>> countByState() {
        return pool.query("SELECT state, COUNT(*) AS n FROM gp_key GROUP BY state").execute().map(set -> {
            Map<String, Long> out = new HashMap<>();
            set.forEach(r -> out.put(r.getString("state"), r.getLong("n")));
            return out;
        });
    }

    /** (project, model) buckets spent now: marked exhausted today, cooling down, or at their day limit. */
    public Uni<Long> exhaustedBuckets(int day, long nowMs) {
        return pool.preparedQuery("SELECT COUNT(*) AS n FROM gp_quota_bucket WHERE exhausted_day = ?"
                + " OR cooldown_until_ms > ?").execute(Tuple.of(day, nowMs))
                .map(set -> set.iterator().next().getLong("n"));
    }

    /** Pools in which no key is ACTIVE. */
    public Uni<List<String>> poolsWithoutActiveKey() {
        return pool.query("SELECT kp.pool FROM gp_key_pool kp JOIN gp_key k ON k.id = kp.key_id GROUP BY kp.pool"
                + " HAVING SUM(k.state = 'ACTIVE') = 0 ORDER BY kp.pool").execute().map(set -> {
                    List<String> out = new ArrayList<>();
                    set.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }
}
