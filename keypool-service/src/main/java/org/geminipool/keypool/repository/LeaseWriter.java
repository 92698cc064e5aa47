package org.geminipool.keypool.repository;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Group commit for the lease rows: new leases and the settling of successful ones wait in a queue and are written
 * together, one transaction (one disk flush) per batch. A lease is answered before its row is committed (the quota is
 * already counted in the bucket row; the row is bookkeeping: expiry, settling, retention, admin), so a new row may
 * wait up to {@value #LINGER_MS} ms for company: the gateway reports a success within about 20 ms of its answer (its
 * outcome batches), and a settle that finds its lease's row still queued is folded into it — one INSERT of a settled row
 * instead of an INSERT, a SELECT … FOR UPDATE and an UPDATE in two commits. A settle, or a caller that needs the row
 * now ({@link #flushNow}), starts the write at once, taking every lingering row along. A settle's answer waits for
 * its commit, so it is exact (changed or not, for the idempotent 204 / 409 decision).
 */
@ApplicationScoped
public class LeaseWriter {

    private static final Logger LOG = Logger.getLogger(LeaseWriter.class);

    static final int MAX_BATCH = 512;
    static final int ROWS_PER_INSERT = 64;
    /** Longest a new lease row waits for its settle (or other rows) before it is written anyway. */
    static final long LINGER_MS = 50;
    /** A batch takes the rows that lingered at least LINGER_MS − SLICE_MS: at most one commit per slice for them. */
    static final long SLICE_MS = 10;

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

    /** One queued insert or settle; an insert may carry the settle folded into it while it is still queued. */
    private static final class Op {
        final NewLease lease;
        final Settle settle;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        final long queuedAtNanos = System.nanoTime();
        /** Guarded by this: set once by {@link #settle} while {@code taken} is false. */
        Settle folded;
        CompletableFuture<Boolean> foldedDone;
        boolean taken;

        Op(NewLease lease, Settle settle) {
            this.lease = lease;
            this.settle = settle;
        }
    }

    @Inject
    Pool pool;

    @Inject
    io.vertx.core.Vertx vertx;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** Settles written with their lease's row, and those that found it written (keypool_lease_settles_total). */
    private io.micrometer.core.instrument.Counter withRow;
    private io.micrometer.core.instrument.Counter afterRow;

    @jakarta.annotation.PostConstruct
    void counters() {
        withRow = registry.counter("keypool_lease_settles_total", "written", "with-row");
        afterRow = registry.counter("keypool_lease_settles_total", "written", "after-row");
    }

    private final ConcurrentLinkedQueue<Op> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean timerArmed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger settlesQueued = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean hurry;
    /** Inserts still in the queue, by lease id: where a settle is folded. */
    private final Map<String, Op> queuedInserts = new ConcurrentHashMap<>();

    /**
     * Queues the row; the future completes when it is committed. Callers need not wait: ops are written in queue
     * order and a batch writes its inserts before its settles, so a settle queued after the insert finds the row.
     */
    public CompletableFuture<Void> insert(NewLease lease) {
        Op op = new Op(lease, null);
        queuedInserts.put(lease.id(), op);
        queued.incrementAndGet();
        queue.add(op);
        kick();
        return op.done.thenApply(b -> null);
    }

    /** True when this call settled the lease (false: settled already, nothing changed). */
    public Uni<Boolean> settle(Settle settle) {
        Op pending = queuedInserts.get(settle.leaseId());
        if (pending != null) {
            synchronized (pending) {
                if (!pending.taken && pending.folded == null) {
                    // Rides with its row: written at the row's turn, with no statement of its own.
                    pending.folded = settle;
                    pending.foldedDone = new CompletableFuture<>();
                    return Uni.createFrom().completionStage(pending.foldedDone);
                }
            }
        }
        Op op = new Op(null, settle);
        settlesQueued.incrementAndGet();
        queued.incrementAndGet();
        queue.add(op);
        kick();
        return Uni.createFrom().completionStage(op.done);
    }

    /** Writes what is queued now instead of after the linger (a settle applied in its own transaction needs the row). */
    public void flushNow() {
        hurry = true;
        kick();
    }

    /** The batch being written (completed when none is). */
    private volatile CompletableFuture<Boolean> inFlight = CompletableFuture.completedFuture(true);

    /**
     * Completes once every op queued or being written at the call is committed (or failed): for the expiry job, which
     * must see a row a clock shifted past its TTL has not written yet (only in tests: a real row lingers 30 ms).
     */
    public Uni<Void> flushed() {
        List<CompletableFuture<Boolean>> waits = new ArrayList<>();
        waits.add(inFlight);
        for (Op op : queue) {
            waits.add(op.done);
        }
        flushNow();
        return Uni.createFrom().completionStage(CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
                .handle((v, e) -> (Void) null));
    }

    /** Rows still queued (for tests and the shutdown drain). */
    int queued() {
        return queued.get();
    }

    /** A stopping keypool writes its lingering rows first (bounded: 3 s). */
    void drain(@Observes ShutdownEvent event) {
        try {
            flushed().await().atMost(Duration.ofSeconds(3));
        } catch (RuntimeException e) {
            LOG.debugf("lease rows not all written at shutdown: %s", e.toString());
        }
    }

    /**
     * Whether the queue is to be written now: asked to, full, a settle waiting (its row is written already, or on
     * another replica), or the oldest row has lingered {@value #LINGER_MS} ms.
     */
    private boolean due(Op head) {
        return hurry || settlesQueued.get() > 0 || queued.get() >= MAX_BATCH
                || System.nanoTime() - head.queuedAtNanos >= LINGER_NANOS;
    }

    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
    /** A row younger than this whose settle has not come stays for the next batch (unless the queue is flushed). */
    private static final long YOUNG_NANOS = TimeUnit.MILLISECONDS.toNanos(LINGER_MS - SLICE_MS);

    private void armTimer(Op head) {
        if (!timerArmed.compareAndSet(false, true)) {
            return;
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - head.queuedAtNanos);
        vertx.setTimer(Math.max(1, LINGER_MS - waited), id -> {
            timerArmed.set(false);
            kick();
        });
    }

    private void kick() {
        List<Op> batch;
        for (;;) {
            if (!writing.compareAndSet(false, true)) {
                return;
            }
            Op head = queue.peek();
            if (head != null && due(head)) {
                batch = take();
                if (!batch.isEmpty()) {
                    break;
                }
            }
            if (head == null) {
                hurry = false; // nothing queued: a flush asked for meanwhile is done
            }
            writing.set(false);
            // Re-check after letting go: an op that arrived meanwhile saw the flag taken and left it to us.
            Op again = queue.peek();
            if (again == null) {
                return;
            }
            if (!due(again)) {
                armTimer(again);
                return;
            }
        }
        commit(batch);
    }

    /**
     * The ops of the next batch, in queue order: all of them when flushed or full; otherwise all but the young rows
     * whose settle has not come yet (they wait for it a little longer).
     */
    private List<Op> take() {
        boolean all = hurry || queued.get() >= MAX_BATCH;
        hurry = false;
        long now = System.nanoTime();
        List<Op> batch = new ArrayList<>();
        for (java.util.Iterator<Op> it = queue.iterator(); it.hasNext() && batch.size() < MAX_BATCH; ) {
            Op op = it.next();
            if (op.lease != null) {
                synchronized (op) {
                    if (!all && op.folded == null && now - op.queuedAtNanos < YOUNG_NANOS) {
                        continue;
                    }
                    op.taken = true;
                }
                queuedInserts.remove(op.lease.id(), op);
            } else {
                settlesQueued.decrementAndGet();
            }
            it.remove();
            queued.decrementAndGet();
            batch.add(op);
        }
        return batch;
    }

    private void commit(List<Op> batch) {
        List<Boolean> results = new ArrayList<>(Collections.nCopies(batch.size(), Boolean.TRUE));
        CompletableFuture<Boolean> current = new CompletableFuture<>();
        inFlight = current;
        pool.withTransaction(c -> write(c, batch, results)).eventually(() -> current.complete(true)).subscribe().with(v -> {
            writing.set(false);
            for (int i = 0; i < batch.size(); i++) {
                Op o = batch.get(i);
                o.done.complete(results.get(i));
                if (o.foldedDone != null) {
                    o.foldedDone.complete(true);
                }
            }
            kick();
        }, failure -> {
            writing.set(false);
            for (Op o : batch) {
                o.done.completeExceptionally(failure);
                if (o.foldedDone != null) {
                    o.foldedDone.completeExceptionally(failure);
                }
            }
            kick();
        });
    }

    private Uni<Void> write(SqlConnection c, List<Op> batch, List<Boolean> results) {
        List<Op> inserts = new ArrayList<>();
        List<Integer> settleIndex = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).lease != null) {
                inserts.add(batch.get(i));
            } else {
                settleIndex.add(i);
            }
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < inserts.size(); from += ROWS_PER_INSERT) {
            List<Op> chunk = inserts.subList(from, Math.min(inserts.size(), from + ROWS_PER_INSERT));
            chain = chain.flatMap(v -> insertRows(c, chunk));
        }
        // The settles that take effect in this batch: folded ones always, queued ones once their row was still open.
        List<Settle> effective = new ArrayList<>();
        for (Op o : inserts) {
            if (o.folded != null) {
                effective.add(o.folded);
                withRow.increment();
            }
        }
        if (!settleIndex.isEmpty()) {
            chain = chain.flatMap(v -> settleRows(c, batch, settleIndex, results)).invoke(() -> {
                for (int i : settleIndex) {
                    if (results.get(i)) {
                        effective.add(batch.get(i).settle);
                        afterRow.increment();
                    }
                }
            });
        }
        return chain.flatMap(v -> settleEffects(c, effective));
    }

    /** The failure streaks reset and the token corrections of the settles that took effect. */
    private static Uni<Void> settleEffects(SqlConnection c, List<Settle> settles) {
        List<Long> resetKeys = new ArrayList<>();
        // One correction per token window, not per lease: the deltas of a window are summed.
        Map<List<Object>, Long> corrections = new LinkedHashMap<>();
        for (Settle s : settles) {
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
            Settle s = batch.get(i).settle;
            return c.preparedQuery(SETTLE_ONE).execute(Tuple.from(Arrays.asList(s.outcome(), s.nowMs(),
                    s.promptTokens(), s.completionTokens(), s.reason(), s.leaseId()))).invoke(rows ->
                    results.set(i, rows.rowCount() == 1)).replaceWithVoid();
        }
        Map<String, Integer> first = new LinkedHashMap<>();
        for (int i : settleIndex) {
            if (first.putIfAbsent(batch.get(i).settle.leaseId(), i) != null) {
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
            ids.add(batch.get(i).settle.leaseId());
        }
        return c.preparedQuery("SELECT id FROM gp_lease WHERE id IN (" + marks + ")"
                        + " AND (outcome IS NULL OR outcome = 'EXPIRED') FOR UPDATE")
                .execute(Tuple.from(ids)).flatMap(rows -> {
                    java.util.Set<String> open = new java.util.HashSet<>();
                    rows.forEach(r -> open.add(r.getString(0)));
                    List<Settle> settles = new ArrayList<>(open.size());
                    for (int i : chunk) {
                        Settle s = batch.get(i).settle;
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

    private static Uni<Void> insertRows(SqlConnection c, List<Op> rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO gp_lease (id, request_id, key_id, project_id, model,"
                + " quota_model, minute_window, day_window, created_at_ms, expires_at_ms, est_tokens, probe_mask,"
                + " outcome, settled_at_ms, prompt_tokens, completion_tokens, reason) VALUES ");
        List<Object> args = new ArrayList<>(rows.size() * 17);
        for (int i = 0; i < rows.size(); i++) {
            NewLease l = rows.get(i).lease;
            Settle s = rows.get(i).folded;
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            args.addAll(Arrays.asList(l.id(), l.requestId(), l.keyId(), l.projectId(), l.model(), l.quotaModel(),
                    l.minute(), l.day(), l.createdAtMs(), l.expiresAtMs(), l.estTokens(), l.probeMask(),
                    s == null ? null : s.outcome(), s == null ? null : s.nowMs(), s == null ? null : s.promptTokens(),
                    s == null ? null : s.completionTokens(), s == null ? null : s.reason()));
        }
        return c.preparedQuery(sql.toString()).execute(Tuple.from(args)).replaceWithVoid();
    }
}
