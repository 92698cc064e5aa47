package org.geminipool.gateway.usage;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Usage events that did not fit in memory (or were still queued at shutdown), as JSON lines in
 * {@code usage-spill-<time>-<seq>.jsonl} files. Files are replayed oldest first and deleted once shipped.
 */
public class SpillStore {

    private static final Logger LOG = Logger.getLogger(SpillStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SEQ = new AtomicLong();

    private final Path dir;

    public SpillStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes the events to a new file; false (and a log line) when the disk refuses. */
    public boolean write(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return true;
        }
        try {
            Files.createDirectories(dir);
            String name = String.format("usage-spill-%015d-%06d.jsonl", System.currentTimeMillis(),
                    SEQ.incrementAndGet() % 1_000_000);
            Path tmp = dir.resolve(name + ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (UsageEvent e : events) {
                    w.write(JSON.writeValueAsString(e));
                    w.write('\n');
                }
            }
            Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            LOG.errorf("usage: cannot spill %d events to %s: %s", events.size(), dir, e.getMessage());
            return false;
        }
    }

    /** Spill files, oldest first. */
    public List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("usage-spill-") && n.endsWith(".jsonl");
            }).sorted().toList();
        } catch (IOException e) {
            LOG.warnf("usage: cannot list %s: %s", dir, e.getMessage());
            return List.of();
        }
    }

    public List<UsageEvent> read(Path file) throws IOException {
        List<UsageEvent> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    out.add(JSON.readValue(line, UsageEvent.class));
                } catch (IOException e) {
                    LOG.warnf("usage: skipping an unreadable line in %s", file);
                }
            }
        }
        return out;
    }

    /** Rewrites {@code file} with only the events not shipped yet, or deletes it when none are left. */
    public void keepOnly(Path file, List<UsageEvent> left) throws IOException {
        if (left.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (UsageEvent e : left) {
                w.write(JSON.writeValueAsString(e));
                w.write('\n');
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    public long eventsOnDisk() {
        long n = 0;
        for (Path f : files()) {
            try (Stream<String> lines = Files.lines(f)) {
                n += lines.filter(l -> !l.isBlank()).count();
            } catch (IOException e) {
                // counted as zero
            }
        }
        return n;
    }
}
