package org.geminipool.gateway.quota;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.contract.lease.OutcomeBatch;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SUCCESS outcomes go to the keypool in batches ({@code POST /outcomes}), so a successful request costs no keypool
 * round trip of its own: they are queued and sent every {@value #INTERVAL_MS} ms or as soon as {@value #MAX_BATCH} are
 * waiting. Only SUCCESS of a non-probe lease waits here — what a success settles (the token correction, a reset
 * failure streak) can wait that long; failures (bans, learned limits) and probes are sent at once by {@link KeyLeases}.
 * A keypool without {@code /outcomes} (404/405) gets them one by one. An outcome that cannot be delivered is logged
 * and dropped: its lease expires and still counts (design §3).
 */
@ApplicationScoped
public class OutcomeBatcher {

    static final int INTERVAL_MS = 20;
    static final int MAX_BATCH = 256;
    /**
     * Batches out at once. The keypool answers a batch when its rows are committed, and a success whose lease row is
     * still queued there rides with that row (up to 50 ms, keypool README "Lease rows"): one batch at a time would hold
     * the next outcomes back until then, and they would miss their rows.
     */
    static final int MAX_IN_FLIGHT = 4;
    private static final Logger LOG = Logger.getLogger(OutcomeBatcher.class);

    @Inject
    Vertx vertx;

    @Inject
    KeypoolClient keypool;

    private final ConcurrentLinkedQueue<OutcomeBatch.Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean batchesUnsupported;
    private long timer = -1;

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(INTERVAL_MS, id -> flush());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        try {
            drainAll().toCompletionStage().toCompletableFuture().get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("%d success outcomes not delivered at shutdown (%s); their leases will expire", queued.get(),
                    e.toString());
        }
    }

    public void add(OutcomeBatch.Entry entry) {
        queue.add(entry);
        if (queued.incrementAndGet() >= MAX_BATCH) {
            vertx.runOnContext(v -> flush());
        }
    }

    /** Number of outcomes waiting (for tests and the shutdown log). */
    public int waiting() {
        return queued.get();
    }

    /** Sends what is queued, in batches of at most MAX_BATCH, with at most MAX_IN_FLIGHT batches out. */
    void flush() {
        while (queued.get() > 0) {
            int out = inFlight.get();
            if (out >= MAX_IN_FLIGHT) {
                return; // the next tick sends the rest
            }
            if (inFlight.compareAndSet(out, out + 1)) {
                sendNext().onComplete(ar -> inFlight.decrementAndGet());
            }
        }
    }

    private Future<Void> drainAll() {
        return queued.get() == 0 ? Future.succeededFuture() : sendNext().compose(v -> drainAll());
    }

    private Future<Void> sendNext() {
        List<OutcomeBatch.Entry> batch = new ArrayList<>(Math.min(queued.get(), MAX_BATCH));
        OutcomeBatch.Entry e;
        while (batch.size() < MAX_BATCH && (e = queue.poll()) != null) {
            batch.add(e);
        }
        queued.addAndGet(-batch.size());
        if (batch.isEmpty()) {
            return Future.succeededFuture();
        }
        if (batchesUnsupported) {
            return oneByOne(batch);
        }
        return keypool.outcomes(new OutcomeBatch(batch)).compose(status -> {
            if (status == 404 || status == 405) {
                batchesUnsupported = true;
                LOG.info("the keypool has no POST /outcomes: success outcomes are sent one by one");
                return oneByOne(batch);
            }
            if (status >= 400) {
                LOG.warnf("keypool answered %d to a batch of %d outcomes", status, batch.size());
            }
            return Future.<Void>succeededFuture();
        }, failure -> {
            LOG.warnf("%d success outcomes not delivered (%s); their leases will expire", batch.size(),
                    failure.toString());
            return Future.succeededFuture();
        });
    }

    private Future<Void> oneByOne(List<OutcomeBatch.Entry> batch) {
        List<Future<Void>> sent = new ArrayList<>(batch.size());
        for (OutcomeBatch.Entry entry : batch) {
            sent.add(keypool.outcome(entry.leaseId(), entry.outcome()).recover(e -> Future.succeededFuture()));
        }
        return Future.join(sent).mapEmpty();
    }
}
