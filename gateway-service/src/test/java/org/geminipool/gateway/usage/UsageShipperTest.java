package org.geminipool.gateway.usage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.geminipool.gateway.TestConfigs;
import org.geminipool.gateway.client.UsageClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway side of issue 7 without the network: overflow spills oldest first, a shutdown with usage-service down
 * spills what is queued, and the next gateway (a restart) replays it — every event delivered, none twice.
 */
class UsageShipperTest {

    /** usage-service as a list, up or down. */
    static class FakeUsage extends UsageClient {
        final List<UsageEvent> received = new ArrayList<>();
        boolean up;

        @Override
        public void ship(List<UsageEvent> events) {
            if (!up) {
                throw new IllegalStateException("connection refused");
            }
            received.addAll(events);
        }
    }

    private static UsageShipper shipper(Path dir, FakeUsage usage, int capacity) {
        UsageShipper s = new UsageShipper();
        s.config = TestConfigs.gateway(Map.of("usage.spill-dir", dir.toString(), "usage.queue-capacity", capacity,
                "usage.batch-size", 7));
        s.usage = usage;
        s.registry = new SimpleMeterRegistry();
        s.init();
        return s;
    }

    private static UsageEvent event(int i) {
        return new UsageEvent("e-" + i, "2026-11-26T12:00:00Z", "1", "p", "m", "r", "t", "google", "c", "SUCCESS", 200,
                5L, 1L, 1L, null);
    }

    @Test
    void overflowSpillsAndShutdownSpillsAndTheNextStartReplaysEverythingOnce(@TempDir Path dir) throws Exception {
        FakeUsage down = new FakeUsage();
        UsageShipper first = shipper(dir, down, 20);
        for (int i = 0; i < 50; i++) {
            first.record(event(i));
        }
        first.tick();
        assertTrue(first.depth() <= 21, "memory stays bounded: " + first.depth());
        first.flushForShutdown();
        assertEquals(0, first.depth());
        assertEquals(50, first.spilledOnDisk(), "everything not delivered is on disk");

        FakeUsage up = new FakeUsage();
        up.up = true;
        UsageShipper restarted = shipper(dir, up, 20);
        restarted.tick();
        assertEquals(0, restarted.spilledOnDisk());
        Set<String> ids = new HashSet<>();
        up.received.forEach(e -> ids.add(e.eventId()));
        assertEquals(50, up.received.size(), "each event delivered exactly once");
        assertEquals(50, ids.size());
    }

    @Test
    void deliveryResumesByItselfWhenUsageServiceComesBack(@TempDir Path dir) {
        FakeUsage usage = new FakeUsage();
        UsageShipper s = shipper(dir, usage, 1000);
        for (int i = 0; i < 30; i++) {
            s.record(event(i));
        }
        s.tick();
        assertEquals(30, s.depth(), "the queue holds while usage-service is down");
        usage.up = true;
        s.tick();
        assertEquals(0, s.depth());
        assertEquals(30, usage.received.size());
    }
}
