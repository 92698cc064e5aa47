package org.geminipool.keypool.live;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code gp_live_session} and {@code gp_live_limit} (migration V5): the open Live session slots of every gateway and the
 * learned per-project limits. Taking a slot is one transaction that locks the project's limit row, counts its live
 * slots and inserts one only below the limit, so replicas on one database never over-open a project.
 */
@ApplicationScoped
public class LiveSessionRepository {

    /** Expired rows deleted per reservation (the table cleans itself as it is written). */
    static final int PRUNE_PER_WRITE = 100;

    @Inject
    Pool pool;

    /** A slot as stored. */
    public record Slot(String id, long projectId, Long keyId, String leaseId, long expiresAtMs) {
    }

    /** Live (unexpired) slots per project among {@code projectIds}. */
    public Uni<Map<Long, Integer>> openCounts(Collection<Long> projectIds, long nowMs) {
        if (projectIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Object> args = new ArrayList<>(projectIds);
        args.add(nowMs);
        return pool.preparedQuery("SELECT project_id, COUNT(*) FROM gp_live_session WHERE project_id IN ("
                        + marks(projectIds.size()) + ") AND expires_at_ms >= ? GROUP BY project_id")
                .execute(Tuple.from(args)).map(set -> {
                    Map<Long, Integer> out = new HashMap<>();
                    for (Row r : set) {
                        out.put(r.getLong(0), r.getInteger(1));
                    }
                    return out;
                });
    }

    /** Learned limits in force among {@code projectIds} (absent = unknown or too old). */
    public Uni<Map<Long, Integer>> learnedLimits(Collection<Long> projectIds, long nowMs) {
        if (projectIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pool.preparedQuery("SELECT project_id, session_limit, learned_at_ms FROM gp_live_limit WHERE project_id IN ("
                        + marks(projectIds.size()) + ")").execute(Tuple.from(new ArrayList<>(projectIds))).map(set -> {
                    Map<Long, Integer> out = new HashMap<>();
                    for (Row r : set) {
                        Integer l = LiveSlots.learnedInForce(r.getInteger(1), r.getLong(2), nowMs);
                        if (l != null) {
                            out.put(r.getLong(0), l);
                        }
                    }
                    return out;
                });
    }

    /**
     * Takes a slot of the project if it has one free at {@code nowMs} under the limit in force (the learned one, else
     * {@code defaultLimit}); the open count including the new slot, or -1 when the project is full.
     */
    public Uni<Integer> reserve(String id, long projectId, String model, String owner, int defaultLimit, long nowMs,
                                long expiresAtMs) {
        return uncancellable(() -> pool.withTransaction(c -> c.preparedQuery("INSERT IGNORE INTO gp_live_limit (project_id, session_limit,"
                        + " learned_at_ms) VALUES (?, NULL, 0)").execute(Tuple.of(projectId))
                .flatMap(v -> c.preparedQuery("SELECT session_limit, learned_at_ms FROM gp_live_limit WHERE project_id = ?"
                        + " FOR UPDATE").execute(Tuple.of(projectId)))
                .flatMap(set -> {
                    Row r = set.iterator().next();
                    int limit = LiveSlots.limit(LiveSlots.learnedInForce(r.getInteger(0), r.getLong(1), nowMs),
                            defaultLimit);
                    return count(c, projectId, nowMs, null).flatMap(open -> {
                        if (open >= limit) {
                            return Uni.createFrom().item(-1);
                        }
                        return c.preparedQuery("INSERT INTO gp_live_session (id, project_id, model, owner, opened_at_ms,"
                                        + " expires_at_ms) VALUES (?, ?, ?, ?, ?, ?)")
                                .execute(Tuple.from(List.of(id, projectId, model, owner == null ? "" : owner, nowMs,
                                        expiresAtMs)))
                                .map(x -> open + 1);
                    });
                })))
                .call(n -> pool.preparedQuery("DELETE FROM gp_live_session WHERE expires_at_ms < ? LIMIT "
                        + PRUNE_PER_WRITE).execute(Tuple.of(nowMs)));
    }

    /** Attaches the leased key to a taken slot. */
    public Uni<Void> attach(String id, long keyId, String leaseId) {
        return pool.preparedQuery("UPDATE gp_live_session SET key_id = ?, lease_id = ? WHERE id = ?")
                .execute(Tuple.of(keyId, leaseId, id)).replaceWithVoid();
    }

    public Uni<Slot> find(String id) {
        return pool.preparedQuery("SELECT id, project_id, key_id, lease_id, expires_at_ms FROM gp_live_session WHERE id = ?")
                .execute(Tuple.of(id)).map(set -> {
                    if (!set.iterator().hasNext()) {
                        return null;
                    }
                    Row r = set.iterator().next();
                    return new Slot(r.getString(0), r.getLong(1), r.getLong(2), r.getString(3), r.getLong(4));
                });
    }

    /** Frees a slot; true when it was there. */
    public Uni<Boolean> release(String id) {
        return pool.preparedQuery("DELETE FROM gp_live_session WHERE id = ?").execute(Tuple.of(id))
                .map(set -> set.rowCount() > 0);
    }

    /**
     * Google refused one more session on the slot's project: under the project's lock, its limit becomes
     * {@link LiveSlots#learnedFromRefusal} of the other live slots, and the slot is freed. The learned limit, or null
     * when the slot is unknown.
     */
    public Uni<Integer> learnFromRefusal(String id, long nowMs) {
        return uncancellable(() -> pool.withTransaction(c -> c.preparedQuery("SELECT project_id FROM gp_live_session WHERE id = ?")
                .execute(Tuple.of(id)).flatMap(set -> {
                    if (!set.iterator().hasNext()) {
                        return Uni.createFrom().nullItem();
                    }
                    long projectId = set.iterator().next().getLong(0);
                    return c.preparedQuery("INSERT IGNORE INTO gp_live_limit (project_id, session_limit, learned_at_ms)"
                                    + " VALUES (?, NULL, 0)").execute(Tuple.of(projectId))
                            .flatMap(v -> c.preparedQuery("SELECT session_limit FROM gp_live_limit WHERE project_id = ?"
                                    + " FOR UPDATE").execute(Tuple.of(projectId)))
                            .flatMap(v -> count(c, projectId, nowMs, id))
                            .flatMap(others -> {
                                int learned = LiveSlots.learnedFromRefusal(others);
                                return c.preparedQuery("UPDATE gp_live_limit SET session_limit = ?, learned_at_ms = ?"
                                                + " WHERE project_id = ?").execute(Tuple.of(learned, nowMs, projectId))
                                        .flatMap(v -> c.preparedQuery("DELETE FROM gp_live_session WHERE id = ?")
                                                .execute(Tuple.of(id)))
                                        .map(v -> learned);
                            });
                })));
    }

    /**
     * A transaction that runs to its commit or rollback even when its caller stops waiting (the gateway gave up and
     * the REST layer cancels): a cancelled transaction would keep its connection and its row lock.
     */
    private static <T> Uni<T> uncancellable(java.util.function.Supplier<Uni<T>> transaction) {
        return Uni.createFrom().deferred(() -> {
            java.util.concurrent.CompletableFuture<T> done = transaction.get().subscribeAsCompletionStage();
            return Uni.createFrom().<T>emitter(e -> done.whenComplete((v, t) -> {
                if (t != null) {
                    e.fail(t);
                } else {
                    e.complete(v);
                }
            }));
        });
    }

    /** Moves the expiry of the given slots; how many were found. */
    public Uni<Integer> heartbeat(List<String> ids, long expiresAtMs) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Object> args = new ArrayList<>();
        args.add(expiresAtMs);
        args.addAll(ids);
        return pool.preparedQuery("UPDATE gp_live_session SET expires_at_ms = ? WHERE id IN (" + marks(ids.size()) + ")")
                .execute(Tuple.from(args)).map(set -> set.rowCount());
    }

    private static Uni<Integer> count(SqlConnection c, long projectId, long nowMs, String except) {
        String sql = "SELECT COUNT(*) FROM gp_live_session WHERE project_id = ? AND expires_at_ms >= ?"
                + (except == null ? "" : " AND id <> ?");
        Tuple args = except == null ? Tuple.of(projectId, nowMs) : Tuple.of(projectId, nowMs, except);
        return c.preparedQuery(sql).execute(args).map(set -> set.iterator().next().getInteger(0));
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}
