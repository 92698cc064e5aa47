package org.geminipool.gateway.usage;

import org.geminipool.contract.usage.UsageEvent;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Events usage-service refused for good (invalid, so never counted however often they are sent), kept in
 * {@code <spill folder>/rejected/usage-rejected-<millis>-<seq>.jsonl} for an operator to look at. Bounded in files
 * and bytes: beyond either bound the oldest files are deleted, each with a log line, their events counted in
 * {@code gemini_pool_usage_rejected_discarded_total}, so a client that keeps sending bad names cannot fill the disk.
 */
final class RejectedStore {

    private static final Logger LOG = Logger.getLogger(RejectedStore.class);
    static final String PREFIX = "usage-rejected-";
    private static final AtomicLong SEQ = new AtomicLong();

    private final Path dir;
    private final int maxFiles;
    private final long maxBytes;
    private final LongConsumer discarded;

    RejectedStore(Path dir, int maxFiles, long maxBytes, LongConsumer discarded) {
        this.dir = dir;
        this.maxFiles = Math.max(1, maxFiles);
        this.maxBytes = Math.max(1, maxBytes);
        this.discarded = discarded;
    }

    Path dir() {
        return dir;
    }

    /** Keeps {@code events} in a new file, then trims the folder to its bounds; false when the disk refuses. */
    synchronized boolean add(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return true;
        }
        boolean written;
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(String.format("%s%015d-%06d%s", PREFIX, System.currentTimeMillis(),
                    SEQ.incrementAndGet() % 1_000_000, WriteAheadLog.SUFFIX));
            EventFiles.writeAtomically(file, events);
            written = true;
        } catch (IOException e) {
            LOG.errorf("usage: cannot keep %d refused events in %s: %s", events.size(), dir, e.getMessage());
            written = false;
        }
        trim();
        return written;
    }

    /** Deletes the oldest files while there are more than {@code maxFiles} or more than {@code maxBytes}. */
    synchronized void trim() {
        List<Path> files = files();
        long total = 0;
        for (Path f : files) {
            total += EventFiles.size(f);
        }
        int count = files.size();
        for (int i = 0; i < files.size() && (count > maxFiles || total > maxBytes); i++) {
            Path oldest = files.get(i);
            long size = EventFiles.size(oldest);
            long events = EventFiles.countLines(oldest);
            try {
                Files.deleteIfExists(oldest);
            } catch (IOException e) {
                LOG.warnf("usage: cannot delete %s: %s", oldest, e.getMessage());
                continue;
            }
            count--;
            total -= size;
            discarded.accept(events);
            LOG.errorf("usage: discarded %s (%d refused events): %s holds at most %d files and %d bytes"
                    + " (GEMINI_POOL_USAGE_REJECTED_MAX_FILES, GEMINI_POOL_USAGE_REJECTED_MAX_SIZE)",
                    oldest.getFileName(), events, dir, maxFiles, maxBytes);
        }
    }

    List<Path> files() {
        return EventFiles.list(dir, WriteAheadLog.SUFFIX, PREFIX, WriteAheadLog.LEGACY_PREFIX);
    }
}
