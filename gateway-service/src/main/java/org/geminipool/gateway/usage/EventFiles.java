package org.geminipool.gateway.usage;

import org.geminipool.contract.usage.UsageEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Usage events as JSON lines on disk: one event per line, each line ending in {@code \n}. Reading tolerates what a
 * crash leaves behind: a last line without its {@code \n} (a write cut short) and lines that do not parse are skipped
 * and counted, never fatal. Whole files are written through {@code <name>.tmp}, forced to disk, then renamed, so a
 * reader sees a complete file or none.
 */
final class EventFiles {

    private static final Logger LOG = Logger.getLogger(EventFiles.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final String TMP = ".tmp";

    private EventFiles() {
    }

    /** The events of one file and how many of its lines were unusable (torn or unreadable). */
    record Read(List<UsageEvent> events, int unusable) {
    }

    static byte[] line(UsageEvent event) {
        try {
            byte[] json = JSON.writeValueAsBytes(event);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (IOException e) {
            throw new IllegalStateException("a usage event cannot be written as JSON", e);
        }
    }

    static Read read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<UsageEvent> events = new ArrayList<>();
        int unusable = 0;
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                if (i > start) {
                    UsageEvent e = parse(bytes, start, i - start);
                    if (e == null) {
                        unusable++;
                    } else {
                        events.add(e);
                    }
                }
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            // No newline at the end: the process died in the middle of this write; the event never completed.
            unusable++;
            LOG.warnf("usage: %s ends in a torn line (%d bytes, a write cut short by a crash); skipped", file,
                    bytes.length - start);
        }
        if (unusable > 0) {
            LOG.warnf("usage: %d unusable line(s) in %s skipped", unusable, file);
        }
        return new Read(events, unusable);
    }

    private static UsageEvent parse(byte[] bytes, int offset, int length) {
        try {
            UsageEvent e = JSON.readValue(bytes, offset, length, UsageEvent.class);
            return e != null && e.eventId() != null ? e : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Complete lines (events) in a file without parsing it: for the pending count at start. */
    static long countLines(Path file) {
        long n = 0;
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
            }
        } catch (IOException e) {
            LOG.warnf("usage: cannot read %s: %s", file, e.getMessage());
        }
        return n;
    }

    /** Writes {@code events} to {@code file} atomically (tmp, fsync, rename); replaces an existing file. */
    static void writeAtomically(Path file, List<UsageEvent> events) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING); OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            var buffered = new java.io.BufferedOutputStream(out, 64 * 1024);
            for (UsageEvent e : events) {
                buffered.write(line(e));
            }
            buffered.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    /** fsync of a folder, so that a file created or renamed in it survives a power loss; best effort. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can open a folder for fsync (Windows); the rename itself is still atomic.
        }
    }

    static void force(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.warnf("usage: cannot fsync %s: %s", file, e.getMessage());
        }
    }

    /** Files of {@code dir} whose names start with one of {@code prefixes} and end in {@code suffix}, by name. */
    static List<Path> list(Path dir, String suffix, String... prefixes) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                if (!n.endsWith(suffix) || !Files.isRegularFile(p)) {
                    return false;
                }
                for (String prefix : prefixes) {
                    if (n.startsWith(prefix)) {
                        return true;
                    }
                }
                return false;
            }).sorted().toList();
        } catch (IOException e) {
            LOG.warnf("usage: cannot list %s: %s", dir, e.getMessage());
            return List.of();
        }
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
