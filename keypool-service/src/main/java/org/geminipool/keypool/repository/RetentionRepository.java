package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Deletes old history rows in short statements, each its own autocommit transaction, so that pruning never holds
 * locks for long on tables the lease path writes. Both tables are pruned through an existing index whose first column
 * has few values and whose second is the time (no migration): closed leases through {@code ix_lease_open (outcome,
 * expires_at_ms)}, audit rows through {@code ix_key_audit_key (key_id, at_ms)}. The first column's values are read
 * with a loose index scan ({@code SELECT DISTINCT}), so every DELETE is a set of index ranges, never a table scan.
 */
@ApplicationScoped
public class RetentionRepository {

    /** Values of the leading column per DELETE (the IN list). */
    static final int VALUES_PER_STATEMENT = 500;

    /** Rows deleted from one table, statements used, and whether the statement cap stopped it with more left. */
    public record Pruned(long rows, int statements, boolean capped) {
    }

    @Inject
    Pool pool;

    /**
     * Deletes closed leases (an outcome set: settled or EXPIRED) that expired before {@code cutoffMs}; open leases are
     * never touched (the expiry job closes them first).
     */
    public Uni<Pruned> pruneClosedLeases(long cutoffMs, int batchSize, int maxStatements) {
        return prune("SELECT DISTINCT outcome FROM gp_lease WHERE outcome IS NOT NULL",
                "DELETE FROM gp_lease WHERE outcome IN (%s) AND expires_at_ms < ? LIMIT %d",
                cutoffMs, batchSize, maxStatements);
    }

    /** Deletes audit rows written before {@code cutoffMs}. */
    public Uni<Pruned> pruneKeyAudit(long cutoffMs, int batchSize, int maxStatements) {
        return prune("SELECT DISTINCT key_id FROM gp_key_audit",
                "DELETE FROM gp_key_audit WHERE key_id IN (%s) AND at_ms < ? LIMIT %d",
                cutoffMs, batchSize, maxStatements);
    }

    private Uni<Pruned> prune(String distinctSql, String deleteSql, long cutoffMs, int batchSize, int maxStatements) {
        int batch = Math.max(1, batchSize);
        int max = Math.max(1, maxStatements);
        return pool.query(distinctSql).execute().flatMap(rows -> {
            List<Object> values = new ArrayList<>();
            for (Row r : rows) {
                values.add(r.getValue(0));
            }
            List<List<Object>> chunks = new ArrayList<>();
            for (int i = 0; i < values.size(); i += VALUES_PER_STATEMENT) {
                chunks.add(values.subList(i, Math.min(values.size(), i + VALUES_PER_STATEMENT)));
            }
            return deleteChunks(chunks, 0, deleteSql, cutoffMs, batch, max, new Pruned(0, 0, false));
        });
    }

    private Uni<Pruned> deleteChunks(List<List<Object>> chunks, int index, String deleteSql, long cutoffMs, int batch,
                                     int max, Pruned sofar) {
        if (index >= chunks.size()) {
            return Uni.createFrom().item(sofar);
        }
        List<Object> chunk = chunks.get(index);
        String sql = String.format(deleteSql, String.join(",", Collections.nCopies(chunk.size(), "?")), batch);
        Tuple args = Tuple.tuple();
        chunk.forEach(args::addValue);
        args.addLong(cutoffMs);
        return deleteRepeatedly(sql, args, batch, max, sofar).flatMap(after -> after.capped()
                ? Uni.createFrom().item(after)
                : deleteChunks(chunks, index + 1, deleteSql, cutoffMs, batch, max, after));
    }

    /** Runs the DELETE until it deletes fewer than a batch, or the statement cap is reached (then capped). */
    private Uni<Pruned> deleteRepeatedly(String sql, Tuple args, int batch, int max, Pruned sofar) {
        if (sofar.statements() >= max) {
            return Uni.createFrom().item(new Pruned(sofar.rows(), sofar.statements(), true));
        }
        return pool.preparedQuery(sql).execute(args).map(RowSet::rowCount).flatMap(n -> {
            Pruned now = new Pruned(sofar.rows() + n, sofar.statements() + 1, false);
            return n < batch ? Uni.createFrom().item(now) : deleteRepeatedly(sql, args, batch, max, now);
        });
    }
}
