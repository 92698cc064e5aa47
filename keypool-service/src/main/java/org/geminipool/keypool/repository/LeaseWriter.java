package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit for the lease rows: new leases and the settling of successful ones wait in a queue and are written
 * together, one transaction (one disk flush) for everything that arrived while the previous one was being written.
 * Nothing waits on a timer: a lone request is written at once; under load the batch grows with the commit time. A
 * lease is answered before its row is committed (the quota is already counted in the bucket row; the row is
 * bookkeeping: expiry, settling, retention, admin); a settle's answer waits for its commit, so it is exact (changed or
 * not, for the idempotent 204 / 409 decision).
 */
@ApplicationScoped
public class LeaseWriter {

    static final int MAX_BATCH = 512;
    static final int ROWS_PER_INSERT = 64;

    /** A lease row to insert. */
    public record NewLease(String id, String requestId, long keyId, long projectId, String model, String quotaModel,
                           long minute, int day, long createdAtMs, long expiresAtMs, long estTokens, int probeMask) {
    }

    /**
     * A settle of a lease whose effects are only the row, the key's failure streak (SUCCESS resets it) and the token
     * correction of its window ({@code tokenDelta} ≠ 0).
     */
    public record Settle(String leaseId, String outcome, long nowMs, Integer promptTokens, Integer completionTokens,
                         String reason, boolean resetStreak, long keyId, long projectId, String quotaModel,
                         long minute, long tokenDelta) {
    }

    private record Op(NewLease lease, Settle settle, CompletableFuture<Boolean> done) {
    }

    @Inject
    Pool pool;

    private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    /**
     * Queues the row; the future completes when it is committed. Callers need not wait: ops are written in queue
     * order and a batch writes its inserts before its settles, so a settle queued after the insert finds the row.
     */
    public CompletableFuture<Void> insert(NewLease lease) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        queue.add(new Op(lease, null, done));
        kick();
        return done.thenApply(b -> null);
    }

    /** True when this call settled the lease (false: settled already, nothing changed). */
    public Uni<Boolean> settle(Settle settle) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        queue.add(new Op(null, settle, done));
        kick();
        return Uni.createFrom().completionStage(done);
    }

    private void kick() {
        if (!writing.compareAndSet(false, true)) {
            return;
        }
        List<Op> batch = new ArrayList<>();
        Op op;
        while (batch.size() < MAX_BATCH && (op = queue.poll()) != null) {
            batch.add(op);
        }
        if (batch.isEmpty()) {
            writing.set(false);
            if (!queue.isEmpty()) {
                kick();
            }
            return;
        }
        List<Boolean> results = new ArrayList<>(Collections.nCopies(batch.size(), Boolean.TRUE));
        pool.withTransaction(c -> write(c, batch, results)).subscribe().with(v -> {
            writing.set(false);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(results.get(i));
            }
            kick();
        }, failure -> {
            writing.set(false);
            for (Op o : batch) {
                o.done().completeExceptionally(failure);
            }
            kick();
        });
    }

    private Uni<Void> write(SqlConnection c, List<Op> batch, List<Boolean> results) {
        List<NewLease> leases = new ArrayList<>();
        List<Integer> settleIndex = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).lease() != null) {
                leases.add(batch.get(i).lease());
            } else {
                settleIndex.add(i);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < leases.size(); from += ROWS_PER_INSERT) {
            List<NewLease> chunk = leases.subList(from, Math.min(leases.size(), from + ROWS_PER_INSERT));
            chain = chain.flatMap(v -> insertRows(c, chunk));
        }
        if (settleIndex.isEmpty()) {
            return chain;
        }
        return chain.flatMap(v -> settleRows(c, batch, settleIndex, results)).flatMap(v -> {
            List<Long> resetKeys = new ArrayList<>();
            // One correction per token window, not per lease: the deltas of a window are summed.
            Map<List<Object>, Long> corrections = new LinkedHashMap<>();
            for (int i : settleIndex) {
                Settle s = batch.get(i).settle();
                if (!results.get(i)) {
                    continue;
                }
                if (s.resetStreak() && !resetKeys.contains(s.keyId())) {
                    resetKeys.add(s.keyId());
                }
                if (s.tokenDelta() != 0) {
                    corrections.merge(List.of(s.projectId(), s.quotaModel(), s.minute()), s.tokenDelta(), Long::sum);
                }
            }
            corrections.values().removeIf(d -> d == 0);
            Uni<Void> after = Uni.createFrom().voidItem();
            if (!resetKeys.isEmpty()) {
                String marks = String.join(", ", Collections.nCopies(resetKeys.size(), "?"));
                after = after.flatMap(x -> c.preparedQuery("UPDATE gp_key SET failure_streak = 0 WHERE failure_streak <> 0"
                        + " AND id IN (" + marks + ")").execute(Tuple.from(new ArrayList<Object>(resetKeys))).replaceWithVoid());
            }
            if (!corrections.isEmpty()) {
                List<Tuple> args = new ArrayList<>(corrections.size());
                corrections.forEach((k, delta) -> args.add(Tuple.of(delta, k.get(0), k.get(1), k.get(2))));
                after = after.flatMap(x -> c.preparedQuery("UPDATE gp_quota_bucket SET tpm_used = GREATEST(0,"
                                + " CAST(tpm_used AS SIGNED) + ?) WHERE project_id = ? AND model = ? AND tpm_window = ?")
                        .executeBatch(args).replaceWithVoid());
            }
            return after;
        });
    }

    static final String SETTLE_ONE = "UPDATE gp_lease SET outcome = ?, settled_at_ms = ?, prompt_tokens = ?,"
            + " completion_tokens = ?, reason = ? WHERE id = ? AND (outcome IS NULL OR outcome = 'EXPIRED')";

    /**
     * Settles the batch's leases and sets {@code results} (changed or not) per entry. One lease: one guarded UPDATE.
     * Several: per chunk of {@link #ROWS_PER_INSERT}, one {@code SELECT … FOR UPDATE} of those still open (locked
     * until the commit, so the answer is exact) and one UPDATE setting each row's values with {@code CASE} — two
     * statements instead of one per lease. A lease named twice in one batch is settled by its first entry only.
     */
    private Uni<Void> settleRows(SqlConnection c, List<Op> batch, List<Integer> settleIndex, List<Boolean> results) {
        if (settleIndex.size() == 1) {
            int i = settleIndex.get(0);
            Settle s = batch.get(i).settle();
            return c.preparedQuery(SETTLE_ONE).execute(Tuple.from(Arrays.asList(s.outcome(), s.nowMs(),
                    s.promptTokens(), s.completionTokens(), s.reason(), s.leaseId()))).invoke(rows ->
                    results.set(i, rows.rowCount() == 1)).replaceWithVoid();
        }
        Map<String, Integer> first = new LinkedHashMap<>();
        for (int i : settleIndex) {
            if (first.putIfAbsent(batch.get(i).settle().leaseId(), i) != null) {
                results.set(i, false); // the same lease again in this batch: the first entry settles it
            }
        }
        List<Integer> distinct = new ArrayList<>(first.values());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < distinct.size(); from += ROWS_PER_INSERT) {
            List<Integer> chunk = distinct.subList(from, Math.min(distinct.size(), from + ROWS_PER_INSERT));
            chain = chain.flatMap(v -> settleChunk(c, batch, chunk, results));
        }
        return chain;
    }

    private static Uni<Void> settleChunk(SqlConnection c, List<Op> batch, List<Integer> chunk, List<Boolean> results) {
        String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
        List<Object> ids = new ArrayList<>(chunk.size());
        for (int i : chunk) {
            ids.add(batch.get(i).settle().leaseId());
        }
        return c.preparedQuery("SELECT id FROM gp_lease WHERE id IN (" + marks + ")"
                        + " AND (outcome IS NULL OR outcome = 'EXPIRED') FOR UPDATE")
                .execute(Tuple.from(ids)).flatMap(rows -> {
                    java.util.Set<String> open = new java.util.HashSet<>();
                    rows.forEach(r -> open.add(r.getString(0)));
                    List<Settle> settles = new ArrayList<>(open.size());
                    for (int i : chunk) {
                        Settle s = batch.get(i).settle();
                        boolean changed = open.contains(s.leaseId());
                        results.set(i, changed);
                        if (changed) {
                            settles.add(s);
                        }
                    }
                    if (settles.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    StringBuilder sql = new StringBuilder("UPDATE gp_lease SET");
                    List<Object> args = new ArrayList<>(settles.size() * 11);
                    String[] columns = {"outcome", "settled_at_ms", "prompt_tokens", "completion_tokens", "reason"};
                    for (int col = 0; col < columns.length; col++) {
                        sql.append(col == 0 ? " " : ", ").append(columns[col]).append(" = CASE id");
                        for (Settle s : settles) {
                            sql.append(" WHEN ? THEN ?");
                            args.add(s.leaseId());
                            args.add(switch (col) {
                                case 0 -> s.outcome();
                                case 1 -> s.nowMs();
                                case 2 -> s.promptTokens();
                                case 3 -> s.completionTokens();
                                default -> s.reason();
                            });
                        }
                        sql.append(" END");
                    }
                    sql.append(" WHERE id IN (").append(String.join(", ", Collections.nCopies(settles.size(), "?")))
                            .append(")");
                    for (Settle s : settles) {
                        args.add(s.leaseId());
                    }
                    return c.preparedQuery(sql.toString()).execute(Tuple.from(args)).replaceWithVoid();
                });
    }

    private static Uni<Void> insertRows(SqlConnection c, List<NewLease> rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO gp_lease (id, request_id, key_id, project_id, model,"
                + " quota_model, minute_window, day_window, created_at_ms, expires_at_ms, est_tokens, probe_mask) VALUES ");
        List<Object> args = new ArrayList<>(rows.size() * 12);
        for (int i = 0; i < rows.size(); i++) {
            NewLease l = rows.get(i);
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            args.addAll(Arrays.asList(l.id(), l.requestId(), l.keyId(), l.projectId(), l.model(), l.quotaModel(),
                    l.minute(), l.day(), l.createdAtMs(), l.expiresAtMs(), l.estTokens(), l.probeMask()));
        }
        return c.preparedQuery(sql.toString()).execute(Tuple.from(args)).replaceWithVoid();
    }
}
