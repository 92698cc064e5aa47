package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code gp_object_affinity}: which project (and key) created each stored object and which client token owns it
 * (design §2, affinity). Plain SQL on the reactive pool like the lease path; every statement is one round trip.
 */
@ApplicationScoped
public class AffinityRepository {

    /** One stored object with its project's name. */
    public record ObjectRow(String name, String kind, long keyId, long projectId, String project, String owner,
                            long createdAtMs, long expiresAtMs) {
    }

    /** Expired rows deleted per record call (the table cleans itself as it is written). */
    static final int PRUNE_PER_WRITE = 100;

    private static final String COLUMNS = "SELECT a.name, a.kind, a.key_id, a.project_id, p.name AS project, a.owner,"
            + " a.created_at_ms, a.expires_at_ms FROM gp_object_affinity a JOIN gp_project p ON p.id = a.project_id";

    @Inject
    Pool pool;

    /** The key's project id, or null for an unknown key. */
    public Uni<Long> projectOfKey(long keyId) {
        return pool.preparedQuery("SELECT project_id FROM gp_key WHERE id = ?").execute(Tuple.of(keyId))
                .map(set -> set.iterator().hasNext() ? set.iterator().next().getLong(0) : null);
    }

    /**
     * Records the object unless a live row of another owner holds the name; an expired row (or the same owner's) is
     * replaced. True when recorded.
     */
    public Uni<Boolean> record(String name, String kind, long keyId, long projectId, String owner, long nowMs,
                               long expiresAtMs) {
        return pool.preparedQuery("INSERT INTO gp_object_affinity (name, kind, project_id, key_id, owner, created_at_ms,"
                        + " expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                        // Assignments run left to right: the owner first, the rest follow whoever holds the name now.
                        + " owner = IF(owner = VALUES(owner) OR expires_at_ms < ?, VALUES(owner), owner),"
                        + " kind = IF(owner = VALUES(owner), VALUES(kind), kind),"
                        + " project_id = IF(owner = VALUES(owner), VALUES(project_id), project_id),"
                        + " key_id = IF(owner = VALUES(owner), VALUES(key_id), key_id),"
                        + " created_at_ms = IF(owner = VALUES(owner), VALUES(created_at_ms), created_at_ms),"
                        + " expires_at_ms = IF(owner = VALUES(owner), VALUES(expires_at_ms), expires_at_ms)")
                .execute(Tuple.from(List.of(name, kind, projectId, keyId, owner, nowMs, expiresAtMs, nowMs)))
                .flatMap(v -> find(List.of(name), nowMs))
                .map(rows -> !rows.isEmpty() && rows.get(0).owner().equals(owner) && rows.get(0).keyId() == keyId);
    }

    /** The live rows among {@code names}. */
    public Uni<List<ObjectRow>> find(List<String> names, long nowMs) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Object> args = new ArrayList<>(names);
        args.add(nowMs);
        return pool.preparedQuery(COLUMNS + " WHERE a.name IN (" + String.join(", ", Collections.nCopies(names.size(), "?"))
                        + ") AND a.expires_at_ms >= ?").execute(Tuple.from(args)).map(AffinityRepository::rows);
    }

    /** An owner's live objects of one kind, newest first. */
    public Uni<List<ObjectRow>> list(String owner, String kind, long nowMs, int limit) {
        return pool.preparedQuery(COLUMNS + " WHERE a.owner = ? AND a.kind = ? AND a.expires_at_ms >= ?"
                        + " ORDER BY a.created_at_ms DESC LIMIT ?").execute(Tuple.of(owner, kind, nowMs, limit))
                .map(AffinityRepository::rows);
    }

    /** The project name of an owner's newest live object, or null. */
    public Uni<String> newestProject(String owner, long nowMs) {
        return pool.preparedQuery("SELECT p.name FROM gp_object_affinity a JOIN gp_project p ON p.id = a.project_id"
                        + " WHERE a.owner = ? AND a.expires_at_ms >= ? ORDER BY a.created_at_ms DESC LIMIT 1")
                .execute(Tuple.of(owner, nowMs))
                .map(set -> set.iterator().hasNext() ? set.iterator().next().getString(0) : null);
    }

    /**
     * A page of live objects for the admin, by project name then newest first; {@code project} and {@code kind} narrow
     * it when not null. {@code limit + 1} rows are read so the caller knows whether another page follows.
     */
    public Uni<List<ObjectRow>> page(String project, String kind, long nowMs, int offset, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE a.expires_at_ms >= ?");
        args.add(nowMs);
        if (project != null) {
            where.append(" AND p.name = ?");
            args.add(project);
        }
        if (kind != null) {
            where.append(" AND a.kind = ?");
            args.add(kind);
        }
        args.add(limit + 1);
        args.add(offset);
        return pool.preparedQuery(COLUMNS + where + " ORDER BY p.name, a.created_at_ms DESC, a.name LIMIT ? OFFSET ?")
                .execute(Tuple.from(args)).map(AffinityRepository::rows);
    }

    /** Forgets an owner's object (after Google deleted it). True when a row went. */
    public Uni<Boolean> forget(String name, String owner) {
        return pool.preparedQuery("DELETE FROM gp_object_affinity WHERE name = ? AND owner = ?")
                .execute(Tuple.of(name, owner)).map(set -> set.rowCount() > 0);
    }

    /** Deletes a few expired rows (bounded, through the expiry index). */
    public Uni<Integer> pruneExpired(long nowMs) {
        return pool.preparedQuery("DELETE FROM gp_object_affinity WHERE expires_at_ms < ? LIMIT " + PRUNE_PER_WRITE)
                .execute(Tuple.of(nowMs)).map(set -> set.rowCount());
    }

    private static List<ObjectRow> rows(io.vertx.mutiny.sqlclient.RowSet<Row> set) {
        List<ObjectRow> out = new ArrayList<>(set.size());
        for (Row r : set) {
            out.add(new ObjectRow(r.getString("name"), r.getString("kind"), r.getLong("key_id"),
                    r.getLong("project_id"), r.getString("project"), r.getString("owner"), r.getLong("created_at_ms"), r.getLong("expires_at_ms")));
        }
        return out;
    }
}
