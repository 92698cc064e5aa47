package org.geminipool.usage.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.geminipool.testsupport.MariaDbTestResource;
import org.geminipool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import io.quarkus.scheduler.Scheduler;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.geminipool.usage.UsageApi.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Raw events received more than retention-days (7) ago are pruned in bounded batches (%test: 3 rows per statement,
 * 2 statements per run); recent events and the aggregates stay.
 */
@QuarkusTest
@QuarkusTestResource(value = MariaDbTestResource.class, initArgs = @ResourceArg(name = "database", value = "gp_test_usage"))
class RetentionTest {

    @Inject
    Scheduler scheduler;

    @Test
    void theRetentionJobIsScheduled() {
        assertNotNull(scheduler.getScheduledJob("usage-retention-prune"));
    }

    @Test
    void oldRawEventsArePrunedInBoundedBatches() throws SQLException {
        String key = unique("key");
        String model = unique("model");
        String at = "2026-09-09T18:00:00Z";
        List<Map<String, Object>> old = events(8, at, key, model);
        List<Map<String, Object>> recent = events(2, at, key, model);
        List<Map<String, Object>> all = new ArrayList<>(old);
        all.addAll(recent);
        post(all).statusCode(200).body("accepted", equalTo(10));
        backdate(old, 8);
        backdate(recent.subList(0, 1), 6); // inside the retention period

        admin().post("/usage/prune").then().statusCode(200)
                .body("deleted", equalTo(6)).body("statements", equalTo(2)).body("capped", equalTo(true));
        admin().post("/usage/prune").then().statusCode(200)
                .body("deleted", equalTo(2)).body("capped", equalTo(false));
        admin().post("/usage/prune").then().statusCode(200).body("deleted", equalTo(0));

        assertEquals(2, rawCount(model));
        assertEquals(10, requests("2026-09-09", key, model)); // aggregates are kept
        double pruned = IngestTest.metric("gemini_pool_usage_events_pruned_total");
        assertEquals(true, pruned >= 8);
    }

    private static void backdate(List<Map<String, Object>> events, int days) throws SQLException {
        try (Connection c = connection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE usage_event SET received_at = UTC_TIMESTAMP(3) - INTERVAL ? DAY WHERE event_id = ?")) {
            for (var e : events) {
                ps.setInt(1, days);
                ps.setString(2, (String) e.get("eventId"));
                assertEquals(1, ps.executeUpdate());
            }
        }
    }

    private static int rawCount(String model) throws SQLException {
        try (Connection c = connection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM usage_event WHERE model = ?")) {
            ps.setString(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Connection connection() throws SQLException {
        return DriverManager.getConnection(TestDatabase.jdbcUrl("gp_test_usage"), TestDatabase.user(),
                TestDatabase.password());
    }
}
