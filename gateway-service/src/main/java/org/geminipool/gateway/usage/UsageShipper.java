package org.geminipool.gateway.usage;

import org.geminipool.contract.usage.UsageEvent;
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
import org.geminipool.gateway.usage.UsageClient;
import org.geminipool.gateway.config.GatewayConfig;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ships usage events to usage-service in batches, off the request path (design §4), without losing one to a crash
 * (gateway-service README, "Usage events"). {@link #record} appends the event to the write-ahead log in
 * GEMINI_POOL_SPILL_DIR before it returns; a scheduled task seals the open segment, fsyncs it and ships sealed
 * segments oldest first, deleting each once usage-service has answered for every event in it. A process killed at
 * any moment leaves its events on disk and the next start ships them. Only when the disk refuses is an event held in
 * memory (up to {@code queue-capacity}; beyond it, the oldest are dropped and counted). Delivery is at-least-once;
 * usage-service ignores duplicate event ids.
 *
 * <p>Events usage-service refuses as invalid are set aside in {@code rejected/} (bounded, see {@link RejectedStore});
 * a batch refused as a whole is split in halves until the refused events are alone, so one bad event never takes
 * the good ones of its batch with it.
 */
@ApplicationScoped
public class UsageShipper {

    private static final Logger LOG = Logger.getLogger(UsageShipper.class);
    /** Segments shipped per tick at most (a bound on one tick's work after a long outage; the next tick goes on). */
    static final int MAX_SEGMENTS_PER_TICK = 2_000;

    @Inject
    GatewayConfig config;

    @Inject
    UsageClient usage;

    @Inject
    MeterRegistry registry;

    /** Events the disk refused, waiting in memory (bounded by queue-capacity). */
    private final ArrayDeque<UsageEvent> memory = new ArrayDeque<>();
    private WriteAheadLog wal;
    private RejectedStore rejected;
    private Counter shipped;
    private Counter shipFailures;
    private Counter dropped;
    private Counter spilled;
    private Counter refused;
    private Counter discarded;
    private volatile boolean failing;
    private volatile boolean diskFailing;
    private volatile boolean stopped;

    void onStart(@Observes StartupEvent event) {
        init();
    }

    synchronized void init() {
        if (wal != null) {
            return;
        }
        Path dir = config.usage().spillDir().filter(s -> !s.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "gemini-pool-spill")).toAbsolutePath();
        shipped = Counter.builder("gemini_pool_usage_events_shipped")
                .description("usage events delivered (usage-service counted or already knew them)").register(registry);
        shipFailures = Counter.builder("gemini_pool_usage_ship_failures")
                .description("usage batches that could not be delivered (kept, retried later)").register(registry);
        dropped = Counter.builder("gemini_pool_usage_events_dropped")
                .description("usage events lost: spill folder over its size bound, disk and memory both full,"
                        + " or a line torn by a crash").register(registry);
        spilled = Counter.builder("gemini_pool_usage_events_spilled")
                .description("usage events written ahead to the spill folder").register(registry);
        refused = Counter.builder("gemini_pool_usage_events_rejected")
                .description("usage events usage-service refused as invalid, set aside in rejected/").register(registry);
        discarded = Counter.builder("gemini_pool_usage_rejected_discarded")
                .description("refused usage events deleted from rejected/ to keep it within its bounds")
                .register(registry);
        try {
            wal = WriteAheadLog.open(dir, Math.max(1, config.usage().batchSize()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage spill folder " + dir, e);
        }
        rejected = new RejectedStore(dir.resolve("rejected"), config.usage().rejectedMaxFiles(),
                config.usage().rejectedMaxSize().asLongValue(), discarded::increment);
        stopped = false;
        Gauge.builder("gemini_pool_usage_queue_depth", this, s -> s.depth() + s.spilledOnDisk())
                .description("usage events recorded and not yet delivered (on disk or in memory)").register(registry);
        Gauge.builder("gemini_pool_usage_spill_bytes", this, UsageShipper::spilledBytes)
                .description("bytes of undelivered usage events in the spill folder").register(registry);
    }

    /** Events on their way to the write-ahead log (see {@link #recordAhead}) and their count. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Pending> ahead = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger aheadCount = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean();
    /** The one thread that appends for the request path: an event loop never waits on the disk or the log's lock. */
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "usage-wal-writer");
        t.setDaemon(true);
        return t;
    });
    /** Most events one group write takes. */
    static final int MAX_GROUP_WRITE = 1024;

    private record Pending(UsageEvent event, java.util.concurrent.CompletableFuture<Void> written) {
    }

    /**
     * The request path's record: the event goes to the writer thread, which appends everything queued meanwhile with
     * one write; the stage completes once the event is written ahead (or held in memory because the disk refused
     * it). A caller that must not answer before its event is safe (a successful call's answer) waits for the stage;
     * the event loop is never blocked by a slow disk (a write that stalls behind another process's fsync).
     */
    public java.util.concurrent.CompletionStage<Void> recordAhead(UsageEvent event) {
        java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
        ahead.add(new Pending(event, written));
        aheadCount.incrementAndGet();
        if (writing.compareAndSet(false, true)) {
            try {
                writer.execute(this::writeAhead);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                writeAhead(); // shutting down: the caller writes
            }
        }
        return written;
    }

    private void writeAhead() {
        for (;;) {
            List<Pending> batch = new ArrayList<>();
            for (Pending p; batch.size() < MAX_GROUP_WRITE && (p = ahead.poll()) != null; ) {
                batch.add(p);
            }
            if (batch.isEmpty()) {
                writing.set(false);
                if (ahead.isEmpty() || !writing.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            aheadCount.addAndGet(-batch.size());
            List<UsageEvent> events = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                events.add(p.event());
            }
            record(events);
            for (Pending p : batch) {
                p.written().complete(null);
            }
        }
    }

    /** Several events appended with one write; what the disk refuses waits in memory. */
    void record(List<UsageEvent> events) {
        try {
            wal.appendAll(events);
            spilled.increment(events.size());
            if (diskFailing) {
                diskFailing = false;
                LOG.infof("usage: the spill folder %s takes events again", wal.dir());
            }
        } catch (WriteAheadLog.PartialWrite e) {
            spilled.increment(e.written);
            if (!diskFailing) {
                diskFailing = true;
                LOG.errorf("usage: cannot write ahead to %s (%s); holding events in memory (at most %d) until it works",
                        wal.dir(), e.getMessage(), config.usage().queueCapacity());
            }
            holdInMemory(events.subList(e.written, events.size()));
        }
    }

    /**
     * Records one event: appended to the write-ahead log (a page-cache write, no network, no fsync) before this
     * returns, so a crash right after cannot lose it. When the disk refuses, it waits in memory instead.
     */
    public void record(UsageEvent event) {
        try {
            wal.append(event);
            spilled.increment();
            if (diskFailing) {
                diskFailing = false;
                LOG.infof("usage: the spill folder %s takes events again", wal.dir());
            }
        } catch (IOException e) {
            if (!diskFailing) {
                diskFailing = true;
                LOG.errorf("usage: cannot write ahead to %s (%s); holding events in memory (at most %d) until it works",
                        wal.dir(), e.getMessage(), config.usage().queueCapacity());
            }
            holdInMemory(List.of(event));
        }
    }

    private void holdInMemory(List<UsageEvent> events) {
        int lost = 0;
        synchronized (memory) {
            memory.addAll(events);
            while (memory.size() > Math.max(1, config.usage().queueCapacity())) {
                memory.pollFirst();
                lost++;
            }
        }
        if (lost > 0) {
            dropped.increment(lost);
            LOG.errorf("usage: dropped %d events (spill folder unwritable and the memory queue full)", lost);
        }
    }

    /** Events held in memory because the disk refused them, and those on their way to the log. */
    public int depth() {
        synchronized (memory) {
            return memory.size() + aheadCount.get();
        }
    }

    /** Events written ahead and not delivered yet. */
    public long spilledOnDisk() {
        return wal == null ? 0 : wal.pendingEvents();
    }

    /** Bytes of undelivered events in the spill folder. */
    public long spilledBytes() {
        return wal == null ? 0 : wal.pendingBytes();
    }

    public Path spillDir() {
        return wal.dir();
    }

    @Scheduled(every = "${gemini-pool.usage.ship-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "usage-shipper")
    void tick() {
        if (stopped) {
            return;
        }
        ship(Long.MAX_VALUE);
    }

    /** One round: seal and fsync what was written, keep the folder in bounds, ship. True when nothing is left. */
    synchronized boolean ship(long deadlineNanos) {
        wal.sealActive();
        wal.syncSealed();
        enforceSpillBound();
        if (!shipMemory(deadlineNanos)) {
            return false;
        }
        for (int i = 0; i < MAX_SEGMENTS_PER_TICK && System.nanoTime() < deadlineNanos; i++) {
            WriteAheadLog.Segment segment = wal.oldest();
            if (segment == null) {
                return depth() == 0;
            }
            if (!shipSegment(segment, deadlineNanos)) {
                return false;
            }
        }
        return wal.oldest() == null && depth() == 0;
    }

    /** Over GEMINI_POOL_USAGE_SPILL_MAX_SIZE (a long usage-service outage): the oldest segments go, counted. */
    private void enforceSpillBound() {
        long max = config.usage().spillMaxSize().asLongValue();
        while (wal.pendingBytes() > max && wal.sealedCount() > 1) {
            WriteAheadLog.Segment oldest = wal.oldest();
            try {
                wal.remove(oldest);
            } catch (IOException e) {
                LOG.warnf("usage: cannot delete %s: %s", oldest, e.getMessage());
                return;
            }
            dropped.increment(oldest.events);
            LOG.errorf("usage: dropped %d undelivered events (%s): the spill folder %s is over"
                    + " GEMINI_POOL_USAGE_SPILL_MAX_SIZE (%d bytes)", oldest.events, oldest, wal.dir(), max);
        }
    }

    private boolean shipMemory(long deadlineNanos) {
        int batchSize = Math.max(1, config.usage().batchSize());
        for (int round = 0; round < 10_000 && System.nanoTime() < deadlineNanos; round++) {
            List<UsageEvent> batch = new ArrayList<>(batchSize);
            synchronized (memory) {
                while (batch.size() < batchSize && !memory.isEmpty()) {
                    batch.add(memory.pollFirst());
                }
            }
            if (batch.isEmpty()) {
                return true;
            }
            if (!deliver(batch)) {
                synchronized (memory) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        memory.addFirst(batch.get(i));
                    }
                }
                return false;
            }
        }
        return depth() == 0;
    }

    /** Ships one sealed segment; true when it is done (and deleted), false when usage-service is out of reach. */
    private boolean shipSegment(WriteAheadLog.Segment segment, long deadlineNanos) {
        EventFiles.Read read;
        try {
            read = EventFiles.read(segment.path);
        } catch (IOException e) {
            // Unreadable (deleted by hand, permissions): nothing to ship from it; do not let it block the rest.
            LOG.errorf("usage: cannot read %s (%s); skipping it", segment.path, e.getMessage());
            removeQuietly(segment);
            return true;
        }
        if (read.unusable() > 0) {
            dropped.increment(read.unusable());
        }
        List<UsageEvent> events = read.events();
        int batchSize = Math.max(1, config.usage().batchSize());
        int done = 0;
        while (done < events.size() && System.nanoTime() < deadlineNanos) {
            List<UsageEvent> batch = new ArrayList<>(events.subList(done, Math.min(events.size(), done + batchSize)));
            if (!deliver(batch)) {
                break;
            }
            done += batch.size();
        }
        try {
            if (done == events.size()) {
                wal.remove(segment);
                return true;
            }
            if (done > 0 || read.unusable() > 0) {
                wal.replace(segment, events.subList(done, events.size()));
            }
        } catch (IOException e) {
            // Left as it was: shipped events are sent again later and usage-service ignores them as duplicates.
            LOG.warnf("usage: cannot update %s: %s", segment.path, e.getMessage());
        }
        return false;
    }

    private void removeQuietly(WriteAheadLog.Segment segment) {
        try {
            wal.remove(segment);
        } catch (IOException e) {
            LOG.warnf("usage: cannot delete %s: %s", segment.path, e.getMessage());
        }
    }

    /**
     * Delivers a batch: true when usage-service has answered for every event (counted, known, or refused and set
     * aside), false when it could not be reached (nothing is known; the caller keeps the whole batch). A batch it
     * refuses without naming the bad events is split in halves until they are alone (at most 2·log2(batch) extra
     * posts per bad event).
     */
    boolean deliver(List<UsageEvent> batch) {
        try {
            List<Integer> refusedIndexes = usage.ship(batch);
            if (!refusedIndexes.isEmpty()) {
                setAside(pick(batch, refusedIndexes), "usage-service refused " + refusedIndexes.size() + " of "
                        + batch.size() + " events");
            }
            shipped.increment(batch.size() - refusedIndexes.size());
            reachable();
            return true;
        } catch (UsageClient.RejectedBatchException e) {
            reachable();
            if (!e.refused().isEmpty()) {
                setAside(pick(batch, e.refused()), e.getMessage());
                List<UsageEvent> rest = without(batch, e.refused());
                return rest.isEmpty() || deliver(rest);
            }
            if (batch.size() == 1) {
                setAside(batch, e.getMessage());
                return true;
            }
            int half = batch.size() / 2;
            return deliver(new ArrayList<>(batch.subList(0, half)))
                    && deliver(new ArrayList<>(batch.subList(half, batch.size())));
        } catch (RuntimeException e) {
            shipFailures.increment();
            if (!failing) {
                LOG.warnf("usage: cannot ship %d events (%s); keeping them and retrying", batch.size(), e.toString());
            }
            failing = true;
            return false;
        }
    }

    private void reachable() {
        if (failing) {
            LOG.info("usage: usage-service reachable again; shipping resumed");
        }
        failing = false;
    }

    private void setAside(List<UsageEvent> events, String reason) {
        refused.increment(events.size());
        LOG.errorf("usage: %s; %d event(s) kept under %s (first: eventId %s, model of %d characters)", reason,
                events.size(), rejected.dir(), events.get(0).eventId(),
                events.get(0).model() == null ? 0 : events.get(0).model().length());
        rejected.add(events);
    }

    private static List<UsageEvent> pick(List<UsageEvent> batch, List<Integer> indexes) {
        List<UsageEvent> out = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            out.add(batch.get(i));
        }
        return out;
    }

    private static List<UsageEvent> without(List<UsageEvent> batch, List<Integer> indexes) {
        Set<Integer> skip = new HashSet<>(indexes);
        List<UsageEvent> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (!skip.contains(i)) {
                out.add(batch.get(i));
            }
        }
        return out;
    }

    /** Flushes on shutdown: ships what it can within the flush timeout; the rest is on disk for the next start. */
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        flushForShutdown();
    }

    public synchronized void flushForShutdown() {
        if (wal == null || stopped) {
            return;
        }
        stopped = true;
        writer.shutdown();
        try {
            // What the request path handed over is written before the last round.
            writer.awaitTermination(config.usage().shutdownFlushTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!ahead.isEmpty() && writing.compareAndSet(false, true)) {
            writeAhead();
        }
        boolean empty = ship(System.nanoTime() + config.usage().shutdownFlushTimeout().toNanos());
        List<UsageEvent> inMemory;
        synchronized (memory) {
            inMemory = new ArrayList<>(memory);
            memory.clear();
        }
        int lost = 0;
        for (UsageEvent e : inMemory) {
            try {
                wal.append(e);
            } catch (IOException ex) {
                lost++;
            }
        }
        if (lost > 0) {
            dropped.increment(lost);
            LOG.errorf("usage: %d events held in memory are lost: the spill folder %s still refuses them", lost,
                    wal.dir());
        }
        wal.close();
        if (!empty) {
            LOG.infof("usage: %d events not delivered before shutdown stay in %s for the next start",
                    wal.pendingEvents(), wal.dir());
        }
    }
}
