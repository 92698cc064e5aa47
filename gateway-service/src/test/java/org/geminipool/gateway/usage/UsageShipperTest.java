package org.geminipool.gateway.usage;

import org.geminipool.contract.usage.UsageEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.geminipool.gateway.TestConfigs;
import org.geminipool.gateway.usage.UsageClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's usage write-ahead log and shipper without the network: every recorded event is on disk before
 * {@code record} returns, what a crash leaves (open segments, a torn last line, {@code .tmp} files) is shipped at the
 * next start exactly once, a refused event is split off its batch and kept in a bounded {@code rejected/}.
 */
class UsageShipperTest {

    /** usage-service as a list: up or down, and refusing models longer than 128 characters like the real one. */
    static class FakeUsage extends UsageClient {
        final List<UsageEvent> received = new ArrayList<>();
        final List<Integer> batchSizes = new ArrayList<>();
        boolean up;
        /** true: answers like today's usage-service (names the refused events); false: refuses whole batches. */
        boolean namesRefusedEvents;

        @Override
        public List<Integer> ship(List<UsageEvent> events) {
            if (!up) {
                throw new IllegalStateException("connection refused");
            }
            batchSizes.add(events.size());
            List<Integer> bad = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).model().length() > 128) {
                    bad.add(i);
                }
            }
            if (!bad.isEmpty() && !namesRefusedEvents) {
                throw new RejectedBatchException("400 events[" + bad.get(0) + "].model: longer than 128 characters");
            }
            if (bad.size() == events.size()) {
                throw new RejectedBatchException("400 all refused", bad);
            }
            for (int i = 0; i < events.size(); i++) {
                if (!bad.contains(i)) {
                    received.add(events.get(i));
                }
            }
            return bad;
        }

        Set<String> ids() {
            Set<String> ids = new HashSet<>();
            received.forEach(e -> ids.add(e.eventId()));
            return ids;
        }
    }

    static UsageShipper shipper(Path dir, FakeUsage usage, Map<String, Object> more) {
        Map<String, Object> values = new HashMap<>(Map.of("usage.spill-dir", dir.toString(), "usage.batch-size", 7));
        values.putAll(more);
        UsageShipper s = new UsageShipper();
        s.config = TestConfigs.gateway(values);
        s.usage = usage;
        s.registry = new SimpleMeterRegistry();
        s.init();
        return s;
    }

    static UsageShipper shipper(Path dir, FakeUsage usage) {
        return shipper(dir, usage, Map.of());
    }

    static UsageEvent event(int i) {
        return event("e-" + i, "gemini-3.8-flash");
    }

    static UsageEvent event(String id, String model) {
        return new UsageEvent(id, "2026-11-26T12:00:00Z", "1", "p", model, "r", "t", "google", "c", "SUCCESS", 200,
                5L, 1L, 1L, null);
    }

    static FakeUsage up() {
        FakeUsage u = new FakeUsage();
        u.up = true;
        return u;
    }

    private static double counter(UsageShipper s, String name) {
        return s.registry.get(name).counter().count();
    }

    private static List<String> lines(Path dir, String prefix) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path f : EventFiles.list(dir, ".jsonl", prefix)) {
            out.addAll(Files.readAllLines(f));
        }
        return out;
    }

    @Test
    void anEventRecordedAheadIsOnDiskWhenItsStageCompletesAndTheCallerNeverTouchesTheDisk(@TempDir Path dir)
            throws Exception {
        FakeUsage usage = new FakeUsage();
        UsageShipper s = shipper(dir, usage);
        List<java.util.concurrent.CompletableFuture<Void>> stages = new ArrayList<>();
        java.util.Set<String> writers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 200; i++) {
            stages.add(s.recordAhead(event(i)).toCompletableFuture()
                    .whenComplete((v, e) -> writers.add(Thread.currentThread().getName())));
        }
        for (var stage : stages) {
            stage.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        // Every completed stage means its line is in a segment; the lines were written by the writer thread.
        assertEquals(200, lines(dir, WriteAheadLog.PREFIX).size());
        assertEquals(200, s.spilledOnDisk());
        assertTrue(writers.stream().allMatch(n -> n.equals("usage-wal-writer") || n.equals(Thread.currentThread().getName())),
                "completed by the writer (or at once when already written): " + writers);
        usage.up = true;
        s.tick();
        assertEquals(200, usage.ids().size(), "each event shipped once");
        assertEquals(0, s.spilledOnDisk());
    }

    @Test
    void aShutdownWritesWhatWasHandedOverBeforeItsLastRound(@TempDir Path dir) throws Exception {
        FakeUsage usage = new FakeUsage();
        usage.up = true;
        UsageShipper s = shipper(dir, usage);
        for (int i = 0; i < 50; i++) {
            s.recordAhead(event(i));
        }
        s.flushForShutdown();
        assertEquals(50, usage.ids().size(), "nothing handed to the writer is left behind by a shutdown");
    }

    @Test
    void everyEventIsOnDiskWhenRecordReturnsAndShippedOnceWhenUsageServiceAnswers(@TempDir Path dir) throws Exception {
        FakeUsage usage = new FakeUsage();
        UsageShipper s = shipper(dir, usage);
        for (int i = 0; i < 30; i++) {
            s.record(event(i));
            // Written ahead: the line is in the file before record returns (no tick, no flush in between).
            assertEquals(i + 1, lines(dir, WriteAheadLog.PREFIX).size());
        }
        assertEquals(30, s.spilledOnDisk());
        assertEquals(0, s.depth(), "nothing waits in memory while the disk takes events");
        s.tick();
        assertEquals(30, s.spilledOnDisk(), "usage-service down: everything stays on disk");
        usage.up = true;
        s.tick();
        assertEquals(0, s.spilledOnDisk());
        assertEquals(30, usage.received.size());
        assertEquals(30, usage.ids().size());
        assertTrue(EventFiles.list(dir, ".jsonl", WriteAheadLog.PREFIX).isEmpty(), "shipped segments are deleted");
    }

    @Test
    void aShutdownWithUsageServiceDownKeepsEverythingForTheNextStart(@TempDir Path dir) throws Exception {
        UsageShipper first = shipper(dir, new FakeUsage());
        for (int i = 0; i < 50; i++) {
            first.record(event(i));
        }
        first.tick();
        first.flushForShutdown();
        assertEquals(50, lines(dir, WriteAheadLog.PREFIX).size());

        FakeUsage up = up();
        UsageShipper restarted = shipper(dir, up);
        assertEquals(50, restarted.spilledOnDisk(), "the earlier run's events are counted as pending at start");
        restarted.tick();
        assertEquals(0, restarted.spilledOnDisk());
        assertEquals(50, up.received.size(), "each event delivered exactly once");
        assertEquals(50, up.ids().size());
    }

    @Test
    void whatACrashLeavesIsShippedAtTheNextStart(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir);
        // The open segment of a killed gateway, its last line torn by the kill (no newline, half a JSON object).
        String e0 = new String(EventFiles.line(event(0)), StandardCharsets.UTF_8);
        String e1 = new String(EventFiles.line(event(1)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("usage-wal-000001764600000000-000001.jsonl"),
                e0 + e1 + e1.substring(0, 20).replace("e-1", "e-9"));
        // A segment half shipped when the rewrite of its rest was cut short: the .tmp holds a subset.
        String e2 = new String(EventFiles.line(event(2)), StandardCharsets.UTF_8);
        String e3 = new String(EventFiles.line(event(3)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("usage-wal-000001764600000001-000001.jsonl"), e2 + e3);
        Files.writeString(dir.resolve("usage-wal-000001764600000001-000001.jsonl.tmp"), e3);
        // A spill file of the gateway before the write-ahead log, its writer killed before the rename.
        String e4 = new String(EventFiles.line(event(4)), StandardCharsets.UTF_8);
        String e5 = new String(EventFiles.line(event(5)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("usage-spill-000001764500000000-000007.jsonl.tmp"), e4 + e5);
        // And one it had renamed.
        Files.writeString(dir.resolve("usage-spill-000001764500000001-000008.jsonl"),
                new String(EventFiles.line(event(6)), StandardCharsets.UTF_8));

        FakeUsage up = up();
        UsageShipper s = shipper(dir, up);
        s.tick();
        assertEquals(Set.of("e-0", "e-1", "e-2", "e-3", "e-4", "e-5", "e-6"), up.ids());
        assertEquals(7, up.received.size(), "the .tmp subset was not shipped on top of its segment");
        assertEquals(1.0, counter(s, "gemini_pool_usage_events_dropped"), "the torn line is counted as lost");
        assertEquals(0, s.spilledOnDisk());
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jsonl") || n.endsWith(".tmp")).toList());
        }
    }

    @Test
    void oneRefusedEventIsSplitOffItsBatchWhenUsageServiceRefusesTheWholeBatch(@TempDir Path dir) throws Exception {
        FakeUsage usage = up();
        usage.namesRefusedEvents = false;
        assertGoodEventsDeliveredAndBadOnesSetAside(dir, usage);
        assertTrue(usage.batchSizes.size() < 20, "bisection, not one post per event: " + usage.batchSizes);
    }

    @Test
    void eventsUsageServiceNamesAsRefusedAreSetAsideAndTheRestCounted(@TempDir Path dir) throws Exception {
        FakeUsage usage = up();
        usage.namesRefusedEvents = true;
        assertGoodEventsDeliveredAndBadOnesSetAside(dir, usage);
    }

    private static void assertGoodEventsDeliveredAndBadOnesSetAside(Path dir, FakeUsage usage) throws Exception {
        UsageShipper s = shipper(dir, usage);
        Set<String> good = new HashSet<>();
        for (int i = 0; i < 21; i++) {
            boolean bad = i == 3 || i == 12;
            s.record(event("e-" + i, bad ? "m".repeat(300) : "gemini-3.8-flash"));
            if (!bad) {
                good.add("e-" + i);
            }
        }
        s.tick();
        assertEquals(good, usage.ids(), "every good event is counted");
        assertEquals(19, usage.received.size());
        assertEquals(0, s.spilledOnDisk(), "nothing is parked: the bad events do not hold the segment back");
        List<String> kept = lines(dir.resolve("rejected"), RejectedStore.PREFIX);
        assertEquals(2, kept.size(), "only the bad events are set aside: " + kept);
        assertTrue(kept.stream().allMatch(l -> l.contains("\"e-3\"") || l.contains("\"e-12\"")), kept.toString());
        assertEquals(2.0, counter(s, "gemini_pool_usage_events_rejected"));
    }

    @Test
    void theRejectedFolderIsBoundedOldestFirst(@TempDir Path dir) throws Exception {
        FakeUsage usage = up();
        UsageShipper s = shipper(dir, usage, Map.of("usage.rejected-max-files", 3));
        for (int i = 0; i < 5; i++) {
            s.record(event("bad-" + i, "m".repeat(300)));
            s.record(event("good-" + i, "gemini-3.8-flash"));
            s.tick();
        }
        assertEquals(5, usage.received.size());
        List<String> kept = lines(dir.resolve("rejected"), RejectedStore.PREFIX);
        assertEquals(3, kept.size());
        assertTrue(kept.get(0).contains("bad-2") && kept.get(2).contains("bad-4"), "the newest are kept: " + kept);
        assertEquals(2.0, counter(s, "gemini_pool_usage_rejected_discarded"));

        UsageShipper bySize = shipper(dir.resolve("other"), up(), Map.of("usage.rejected-max-size", 1000L));
        for (int i = 0; i < 10; i++) {
            bySize.record(event("big-" + i, "m".repeat(300)));
            bySize.tick();
        }
        long bytes = 0;
        for (Path f : EventFiles.list(dir.resolve("other").resolve("rejected"), ".jsonl", RejectedStore.PREFIX)) {
            bytes += Files.size(f);
        }
        assertTrue(bytes <= 1000, "rejected/ stays within its byte bound: " + bytes);
        assertTrue(counter(bySize, "gemini_pool_usage_rejected_discarded") >= 7);
    }

    @Test
    void theSpillFolderIsBoundedDuringALongOutageAndTheDropsAreCounted(@TempDir Path dir) {
        FakeUsage usage = new FakeUsage();
        // batch-size 7 → segments of 7 events (~250 bytes each); 8 000 bytes hold a few segments only.
        UsageShipper s = shipper(dir, usage, Map.of("usage.spill-max-size", 8_000L));
        for (int i = 0; i < 700; i++) {
            s.record(event(i));
        }
        s.tick();
        assertTrue(s.spilledBytes() <= 8_000 + 2_000, "bounded: " + s.spilledBytes());
        double dropped = counter(s, "gemini_pool_usage_events_dropped");
        assertTrue(dropped > 0);
        usage.up = true;
        s.tick();
        assertEquals(700, usage.received.size() + (long) dropped, "every event is delivered or counted as dropped");
        assertTrue(usage.ids().contains("e-699"), "the newest are the ones kept");
    }

    @Test
    void whenTheDiskRefusesEventsWaitInMemoryAndAreStillDelivered(@TempDir Path dir) throws Exception {
        FakeUsage usage = new FakeUsage();
        Path spill = dir.resolve("spill");
        UsageShipper s = shipper(spill, usage);
        s.record(event(0));
        s.tick();
        // The folder goes away under the running gateway and a file takes its place: appends fail.
        for (Path f : EventFiles.list(spill, ".jsonl", WriteAheadLog.PREFIX)) {
            Files.move(f, dir.resolve(f.getFileName()));
        }
        try (var rest = Files.list(spill)) {
            for (Path p : rest.toList()) {
                if (Files.isDirectory(p)) {
                    try (var inner = Files.list(p)) {
                        for (Path q : inner.toList()) {
                            Files.delete(q);
                        }
                    }
                }
                Files.delete(p);
            }
        }
        Files.delete(spill);
        Files.writeString(spill, "not a folder");
        for (int i = 1; i <= 5; i++) {
            s.record(event(i));
        }
        assertEquals(5, s.depth(), "held in memory while the disk refuses");
        usage.up = true;
        s.tick();
        assertEquals(0, s.depth());
        assertEquals(Set.of("e-1", "e-2", "e-3", "e-4", "e-5"), usage.ids());
    }

    @Test
    void twoGatewaysCannotShareOneSpillFolder(@TempDir Path dir) {
        UsageShipper first = shipper(dir, new FakeUsage());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shipper(dir, new FakeUsage()));
        assertTrue(e.getMessage().contains("GEMINI_POOL_SPILL_DIR"), e.getMessage());
        first.flushForShutdown();
        UsageShipper next = shipper(dir, new FakeUsage());
        assertFalse(next.spilledOnDisk() > 0);
        next.flushForShutdown();
    }
}
