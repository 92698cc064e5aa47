package org.geminipool.gateway.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real kill -9: a child JVM records usage events as fast as it can with usage-service down, and is killed with
 * SIGKILL (no shutdown hook, no flush) while it records. The next start ships every event whose {@code record}
 * had returned before the kill, each once, and nothing but a contiguous prefix of what the child recorded (no hole).
 */
class UsageKilledGatewayTest {

    /** The child: records e-0, e-1, … and prints each count after {@code record} returned. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            UsageShipperTest.FakeUsage down = new UsageShipperTest.FakeUsage();
            UsageShipper shipper = UsageShipperTest.shipper(Path.of(args[0]), down, Map.of("usage.batch-size", 50));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (int i = 0; i < 2_000_000 && System.nanoTime() < deadline; i++) {
                shipper.record(UsageShipperTest.event(i));
                if (i % 100 == 99) {
                    shipper.tick(); // seals and fsyncs as the scheduler would; shipping fails (usage-service down)
                }
                System.out.println("recorded " + (i + 1));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(60));
        }
    }

    @Test
    void killedWhileRecordingItLosesNoEventThatWasRecorded(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long seen = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("recorded ")) {
                    seen = Long.parseLong(line.substring(9).trim());
                    if (seen >= 3_000) {
                        break;
                    }
                }
            }
            child.destroyForcibly(); // SIGKILL: mid-record, between writes, wherever it is
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        assertTrue(seen >= 3_000, "the child recorded events before it was killed: " + seen);

        UsageShipperTest.FakeUsage up = UsageShipperTest.up();
        UsageShipper restarted = UsageShipperTest.shipper(dir, up, Map.of("usage.batch-size", 50));
        for (int i = 0; i < 100 && restarted.spilledOnDisk() > 0; i++) {
            restarted.tick();
        }
        assertEquals(0, restarted.spilledOnDisk());
        Set<String> ids = up.ids();
        assertEquals(up.received.size(), ids.size(), "each event once");
        assertTrue(ids.size() >= seen, ids.size() + " delivered, " + seen + " recorded before the kill");
        Set<String> prefix = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            prefix.add("e-" + i);
        }
        assertEquals(prefix, ids, "no hole: exactly the first " + ids.size() + " events");
        assertTrue(List.of(0.0, 1.0).contains(restarted.registry.get("gemini_pool_usage_events_dropped").counter()
                .count()), "at most the one event being written when the kill came is torn");
    }
}
