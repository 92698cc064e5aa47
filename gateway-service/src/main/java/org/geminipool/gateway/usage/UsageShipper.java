package org.geminipool.gateway.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.geminipool.gateway.client.UsageClient;
import org.geminipool.gateway.config.GatewayConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ships usage events to usage-service in batches, off the request path (design §4). {@link #record} only queues.
 * A scheduled task ships the memory queue, then replays spill files. When usage-service is down the queue holds up to
 * {@code queue-capacity} events; beyond that the oldest spill to files in GEMINI_POOL_SPILL_DIR (a failed spill is
 * counted as dropped). On shutdown the queue is flushed, and what cannot be delivered in time is spilled for the
 * next start. Delivery is at-least-once; usage-service ignores duplicate event ids.
 */
@ApplicationScoped
public class UsageShipper {

    private static final Logger LOG = Logger.getLogger(UsageShipper.class);

    @Inject
    GatewayConfig config;

    @Inject
    UsageClient usage;

    @Inject
    MeterRegistry registry;

    private final ArrayDeque<UsageEvent> queue = new ArrayDeque<>();
    private final AtomicLong spillPending = new AtomicLong();
    private ExecutorService spillWriter;
    private SpillStore spill;
    private Counter shipped;
    private Counter shipFailures;
    private Counter dropped;
    private Counter spilled;
    private volatile boolean failing;
    private volatile boolean stopped;

    void onStart(@Observes StartupEvent event) {
        init();
    }

    synchronized void init() {
        if (spill != null) {
            return;
        }
        Path dir = config.usage().spillDir().filter(s -> !s.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "gemini-pool-spill"));
        spill = new SpillStore(dir);
        spillWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "usage-spill-writer");
            t.setDaemon(true);
            return t;
        });
        shipped = Counter.builder("gemini_pool_usage_events_shipped").description("usage events delivered")
                .register(registry);
        shipFailures = Counter.builder("gemini_pool_usage_ship_failures")
                .description("usage batches that could not be delivered (retried later)").register(registry);
        dropped = Counter.builder("gemini_pool_usage_events_dropped")
                .description("usage events lost: queue full and the spill file could not be written").register(registry);
        spilled = Counter.builder("gemini_pool_usage_events_spilled")
                .description("usage events written to spill files").register(registry);
        Gauge.builder("gemini_pool_usage_queue_depth", this, UsageShipper::depth)
                .description("usage events waiting in memory").register(registry);
        int onDisk = spill.files().size();
        if (onDisk > 0) {
            LOG.infof("usage: %d spill files in %s will be replayed", onDisk, dir);
        }
    }

    /** Queues one event; never blocks on the network or the disk. */
    public void record(UsageEvent event) {
        List<UsageEvent> overflow = null;
        synchronized (queue) {
            queue.addLast(event);
            if (queue.size() > config.usage().queueCapacity()) {
                int n = Math.max(1, Math.min(queue.size(), config.usage().batchSize()));
                overflow = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    overflow.add(queue.pollFirst());
                }
            }
        }
        if (overflow != null) {
            spillLater(overflow);
        }
    }

    public int depth() {
        synchronized (queue) {
            return queue.size();
        }
    }

    public long spilledOnDisk() {
        return spill == null ? 0 : spill.eventsOnDisk();
    }

    public SpillStore spillStore() {
        return spill;
    }

    private void spillLater(List<UsageEvent> events) {
        // Bound what waits for the disk too: beyond one more queue's worth (at least 10 000 events, so a burst on a
        // small queue does not outrun a working disk), events are dropped and counted.
        if (spillPending.addAndGet(events.size()) > Math.max(10_000, config.usage().queueCapacity())) {
            spillPending.addAndGet(-events.size());
            dropped.increment(events.size());
            LOG.errorf("usage: dropped %d events (queue and spill writer both full)", events.size());
            return;
        }
        spillWriter.execute(() -> {
            try {
                writeSpill(events);
            } finally {
                spillPending.addAndGet(-events.size());
            }
        });
    }

    private void writeSpill(List<UsageEvent> events) {
        if (spill.write(events)) {
            spilled.increment(events.size());
        } else {
            dropped.increment(events.size());
        }
    }

    @Scheduled(every = "${gemini-pool.usage.ship-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "usage-shipper")
    void tick() {
        if (stopped) {
            return;
        }
        shipQueue(Long.MAX_VALUE);
        if (!failing) {
            replaySpill();
        }
    }

    /** Ships from memory until the queue is empty, a batch fails, or the deadline passes. Returns true when empty. */
    synchronized boolean shipQueue(long deadlineNanos) {
        int batchSize = Math.max(1, config.usage().batchSize());
        // Bounded: each round ships or stops; at most what is queued now plus what arrives meanwhile, capped.
        for (int round = 0; round < 10_000 && System.nanoTime() < deadlineNanos; round++) {
            List<UsageEvent> batch = new ArrayList<>(batchSize);
            synchronized (queue) {
                while (batch.size() < batchSize && !queue.isEmpty()) {
                    batch.add(queue.pollFirst());
                }
            }
            if (batch.isEmpty()) {
                return true;
            }
            if (!send(batch)) {
                synchronized (queue) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        queue.addFirst(batch.get(i));
                    }
                }
                return false;
            }
        }
        return depth() == 0;
    }

    private boolean send(List<UsageEvent> batch) {
        try {
            usage.ship(batch);
            shipped.increment(batch.size());
            if (failing) {
                LOG.info("usage: usage-service reachable again; shipping resumed");
            }
            failing = false;
            return true;
        } catch (UsageClient.RejectedBatchException e) {
            // Never accepted however often it is sent: keep it on disk for an operator rather than loop forever.
            LOG.errorf("usage: %s; batch kept in a spill file under %s/rejected", e.getMessage(), spill.dir());
            new SpillStore(spill.dir().resolve("rejected")).write(batch);
            shipFailures.increment();
            return true;
        } catch (RuntimeException e) {
            shipFailures.increment();
            if (!failing) {
                LOG.warnf("usage: cannot ship %d events (%s); holding them and retrying", batch.size(), e.toString());
            }
            failing = true;
            return false;
        }
    }

    /** Replays spill files oldest first; stops at the first failure. */
    synchronized void replaySpill() {
        for (Path file : spill.files()) {
            List<UsageEvent> events;
            try {
                events = spill.read(file);
            } catch (IOException e) {
                LOG.warnf("usage: cannot read spill file %s: %s", file, e.getMessage());
                continue;
            }
            int batchSize = Math.max(1, config.usage().batchSize());
            int done = 0;
            while (done < events.size()) {
                List<UsageEvent> batch = events.subList(done, Math.min(events.size(), done + batchSize));
                if (!send(new ArrayList<>(batch))) {
                    break;
                }
                done += batch.size();
            }
            try {
                spill.keepOnly(file, events.subList(done, events.size()));
            } catch (IOException e) {
                LOG.warnf("usage: cannot update spill file %s: %s", file, e.getMessage());
            }
            if (done < events.size()) {
                return;
            }
            LOG.infof("usage: replayed %d spilled events from %s", events.size(), file.getFileName());
        }
    }

    /** Flushes on shutdown: ships what it can within the flush timeout, spills the rest for the next start. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        flushForShutdown();
    }

    public synchronized void flushForShutdown() {
        if (spill == null || stopped) {
            return;
        }
        stopped = true;
        long deadline = System.nanoTime() + config.usage().shutdownFlushTimeout().toNanos();
        boolean empty = shipQueue(deadline);
        spillWriter.shutdown();
        try {
            spillWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!empty) {
            List<UsageEvent> left;
            synchronized (queue) {
                left = new ArrayList<>(queue);
                queue.clear();
            }
            writeSpill(left);
            LOG.infof("usage: %d events not delivered before shutdown were spilled to %s", left.size(), spill.dir());
        }
    }
}
