package org.geminipool.gateway.routing;

import org.geminipool.gateway.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The routing file is re-read when it changes; an invalid version keeps the routes in force. */
class RouteTableReloadTest {

    private static void write(Path file, String yaml, int secondsAhead) throws Exception {
        Files.writeString(file, yaml);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    @Test
    void reloadsOnChangeAndKeepsThePreviousRoutesWhenTheNewFileIsInvalid(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routes.yaml");
        write(file, "routes:\n  - name: one\n    match: { models: [a] }\n    targets: [ { pool: p, model: m1 } ]\n", 0);
        RouteTable table = new RouteTable();
        table.config = TestConfigs.gateway(Map.of("routes", file.toString()));
        assertEquals("one", table.current().rules().get(0).name());

        write(file, "routes:\n  - name: two\n    match: { models: [a] }\n    targets: [ { pool: p, model: m2 } ]\n", 10);
        table.reloadIfChanged();
        assertEquals("two", table.current().rules().get(0).name());

        write(file, "routes: [ { name: broken, targets: [] } ]\n", 20);
        table.reloadIfChanged();
        assertEquals("two", table.current().rules().get(0).name(), "an invalid file keeps the previous routes");

        write(file, "routes:\n  - name: bad\n    match: { vibes: true }\n    targets: [ { pool: p, model: m3 } ]\n", 25);
        table.reloadIfChanged();
        assertEquals("two", table.current().rules().get(0).name(), "an unknown condition keeps the previous routes");

        write(file, "routes:\n  - name: three\n    targets: [ { pool: p, model: m3 } ]\n", 30);
        table.reloadIfChanged();
        assertEquals("three", table.current().rules().get(0).name(), "a fixed file is picked up again");
    }
}
