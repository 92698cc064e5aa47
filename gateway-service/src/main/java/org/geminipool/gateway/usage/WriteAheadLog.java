package org.geminipool.gateway.usage;

import org.geminipool.contract.usage.UsageEvent;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's usage write-ahead log (gateway-service README, "Usage events"): every event is appended to the open
 * segment {@code usage-wal-<millis>-<seq>.jsonl} in the spill folder <em>before</em> it counts as recorded, with one
 * {@code write} per event, so a process that dies (kill -9, OOM kill) leaves it in the kernel's page cache and on
 * disk. The shipper seals the open segment on each tick, fsyncs what was sealed, ships sealed segments oldest first
 * and deletes each one once usage-service has answered for all of its events.
 *
 * <p>At start every segment found in the folder is from an earlier process and is replayed; a {@code .tmp} left by a
 * crash during a rewrite is dropped when its segment still exists (it holds a subset of it) and otherwise renamed
 * into place and replayed (the legacy spill writer's crash case). The folder is locked ({@code .lock}) for as long as
 * the log is open: two gateways on one folder would replay and delete each other's open segments.
 */
final class WriteAheadLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WriteAheadLog.class);
    static final String PREFIX = "usage-wal-";
    /** Spill files of gateways before the write-ahead log; replayed alike. */
    static final String LEGACY_PREFIX = "usage-spill-";
    static final String SUFFIX = ".jsonl";
    private static final String LOCK = ".lock";

    /** A sealed segment: immutable on disk except when the shipper rewrites what is left of it. */
    static final class Segment {
        final Path path;
        long events;
        long bytes;
        boolean synced;

        Segment(Path path, long events, long bytes, boolean synced) {
            this.path = path;
            this.events = events;
            this.bytes = bytes;
            this.synced = synced;
        }

        @Override
        public String toString() {
            return path.getFileName().toString();
        }
    }

    private final Path dir;
    private final int segmentEvents;
    private final ArrayDeque<Segment> sealed = new ArrayDeque<>();
    private FileChannel lockChannel;
    private FileLock lock;
    private FileChannel active;
    private Path activePath;
    private long activeEvents;
    private long activeBytes;
    private long sealedEvents;
    private long sealedBytes;
    private long seq;
    private long recoveredEvents;

    private WriteAheadLog(Path dir, int segmentEvents) {
        this.dir = dir;
        this.segmentEvents = Math.max(1, segmentEvents);
    }

    /** Opens (creates) the log in {@code dir}, locks the folder and takes over what an earlier process left. */
    static WriteAheadLog open(Path dir, int segmentEvents) throws IOException {
        WriteAheadLog log = new WriteAheadLog(dir, segmentEvents);
        Files.createDirectories(dir);
        log.lock();
        log.recover();
        return log;
    }

    private void lock() throws IOException {
        lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("the usage spill folder " + dir + " is in use by another gateway process;"
                    + " give each gateway its own GEMINI_POOL_SPILL_DIR");
        }
    }

    private synchronized void recover() throws IOException {
        for (Path tmp : EventFiles.list(dir, SUFFIX + EventFiles.TMP, PREFIX, LEGACY_PREFIX)) {
            String name = tmp.getFileName().toString();
            Path base = dir.resolve(name.substring(0, name.length() - EventFiles.TMP.length()));
            if (Files.exists(base)) {
                // A rewrite (what was left to ship) cut short: the segment itself is still whole and a superset.
                Files.delete(tmp);
                LOG.infof("usage: dropped %s, an unfinished rewrite of %s", name, base.getFileName());
            } else {
                // A spill file whose writer died before the rename: its events exist nowhere else.
                Files.move(tmp, base, StandardCopyOption.ATOMIC_MOVE);
                LOG.infof("usage: %s left by a crash is replayed as %s", name, base.getFileName());
            }
        }
        for (Path file : EventFiles.list(dir, SUFFIX, PREFIX, LEGACY_PREFIX)) {
            long events = EventFiles.countLines(file);
            long bytes = EventFiles.size(file);
            sealed.addLast(new Segment(file, events, bytes, false));
            sealedEvents += events;
            sealedBytes += bytes;
            recoveredEvents += events;
        }
        if (!sealed.isEmpty()) {
            LOG.infof("usage: %d events in %d spill file(s) of an earlier run in %s will be shipped", recoveredEvents,
                    sealed.size(), dir);
        }
    }

    Path dir() {
        return dir;
    }

    long recoveredEvents() {
        return recoveredEvents;
    }

    /**
     * Appends one event to the open segment (one write of one whole line). Called on the request path: a page-cache
     * write, no fsync. Throws when the disk refuses; the open segment is then sealed so that a partly written line
     * stays its last line (skipped when read) instead of running into the next event.
     */
    synchronized void append(UsageEvent event) throws IOException {
        byte[] line = EventFiles.line(event);
        if (active == null) {
            openSegment();
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                active.write(buf);
            }
        } catch (IOException e) {
            sealActive();
            throw e;
        }
        activeEvents++;
        activeBytes += line.length;
        if (activeEvents >= segmentEvents) {
            sealActive();
        }
    }

    /** Thrown by {@link #appendAll} when the disk refuses: the first {@code written} events are in the log. */
    static final class PartialWrite extends IOException {
        final int written;

        PartialWrite(int written, IOException cause) {
            super(cause.getMessage(), cause);
            this.written = written;
        }
    }

    /**
     * Appends events with one write per segment they fall in (the writer thread's group write). Same guarantees as
     * {@link #append}: whole lines, the open segment sealed after a refused write.
     */
    synchronized void appendAll(List<UsageEvent> events) throws PartialWrite {
        int i = 0;
        while (i < events.size()) {
            int end;
            byte[] chunk;
            try {
                if (active == null) {
                    openSegment();
                }
                end = (int) Math.min(events.size(), i + Math.max(1, segmentEvents - activeEvents));
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256 * (end - i));
                for (int j = i; j < end; j++) {
                    out.write(EventFiles.line(events.get(j)));
                }
                chunk = out.toByteArray();
                ByteBuffer buf = ByteBuffer.wrap(chunk);
                while (buf.hasRemaining()) {
                    active.write(buf);
                }
            } catch (IOException e) {
                sealActive();
                throw new PartialWrite(i, e);
            }
            activeEvents += end - i;
            activeBytes += chunk.length;
            if (activeEvents >= segmentEvents) {
                sealActive();
            }
            i = end;
        }
    }

    private void openSegment() throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path path = dir.resolve(String.format("%s%015d-%06d%s", PREFIX, System.currentTimeMillis(),
                    ++seq % 1_000_000, SUFFIX));
            try {
                active = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                activePath = path;
                activeEvents = 0;
                activeBytes = 0;
                return;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** Closes the open segment (if any) and queues it for shipping; an empty one is deleted. */
    synchronized void sealActive() {
        if (active == null) {
            return;
        }
        try {
            active.close();
        } catch (IOException e) {
            LOG.warnf("usage: closing %s: %s", activePath, e.getMessage());
        }
        if (activeEvents == 0 && EventFiles.size(activePath) == 0) {
            try {
                Files.deleteIfExists(activePath);
            } catch (IOException e) {
                LOG.debugf("usage: cannot delete empty %s: %s", activePath, e.getMessage());
            }
        } else {
            sealed.addLast(new Segment(activePath, activeEvents, EventFiles.size(activePath), false));
            sealedEvents += activeEvents;
            sealedBytes += EventFiles.size(activePath);
        }
        active = null;
        activePath = null;
        activeEvents = 0;
        activeBytes = 0;
    }

    /**
     * fsyncs the segments sealed since the last call, then the folder: the fsync policy is "once per ship
     * interval, off the request path", so a power loss costs at most the events of the last interval, a process
     * crash nothing.
     */
    void syncSealed() {
        List<Segment> toSync = new ArrayList<>();
        synchronized (this) {
            for (Segment s : sealed) {
                if (!s.synced) {
                    toSync.add(s);
                }
            }
        }
        for (Segment s : toSync) {
            if (Files.exists(s.path)) {
                EventFiles.force(s.path);
            }
            s.synced = true;
        }
        if (!toSync.isEmpty()) {
            EventFiles.syncDirectory(dir);
        }
    }

    synchronized Segment oldest() {
        return sealed.peekFirst();
    }

    synchronized int sealedCount() {
        return sealed.size();
    }

    /**
     * The segment was shipped (or given up): gone from disk and from the pending counts. Only the shipper touches a
     * sealed segment's file, so the disk work runs outside the lock that {@link #append} takes.
     */
    void remove(Segment s) throws IOException {
        Files.deleteIfExists(s.path);
        synchronized (this) {
            if (sealed.remove(s)) {
                sealedEvents -= s.events;
                sealedBytes -= s.bytes;
            }
        }
    }

    /** Part of the segment was shipped: rewrite it with what is left (atomically, see {@link EventFiles}). */
    void replace(Segment s, List<UsageEvent> left) throws IOException {
        if (left.isEmpty()) {
            remove(s);
            return;
        }
        EventFiles.writeAtomically(s.path, left);
        long bytes = EventFiles.size(s.path);
        synchronized (this) {
            sealedEvents += left.size() - s.events;
            sealedBytes += bytes - s.bytes;
            s.events = left.size();
            s.bytes = bytes;
            s.synced = true;
        }
    }

    /** Events written ahead and not yet shipped (open segment included). */
    synchronized long pendingEvents() {
        return sealedEvents + activeEvents;
    }

    synchronized long pendingBytes() {
        return sealedBytes + activeBytes;
    }

    /** Seals the open segment and releases the folder lock; segments stay on disk for the next start. */
    @Override
    public synchronized void close() {
        sealActive();
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.debugf("usage: releasing the lock of %s: %s", dir, e.getMessage());
        }
        lock = null;
        lockChannel = null;
    }
}
