package org.geminipool.gateway.console.service;

import org.geminipool.gateway.console.RouteSummary;
import org.geminipool.gateway.console.client.AdminModels.CountsRow;
import org.geminipool.gateway.console.client.AdminModels.ImportResult;
import org.geminipool.gateway.console.client.AdminModels.KeyInfo;
import org.geminipool.gateway.console.client.AdminModels.UsageRow;

import org.geminipool.contract.affinity.PinnedObject;

import java.util.List;

/** What the templates show. Every string here is escaped by Qute when rendered. */
public final class Views {

    private Views() {
    }

    /** The frame of every page after login: title, the active nav entry, the form token, messages. */
    public record Chrome(String title, String nav, String csrf, List<String> errors, List<String> notices) {
        public boolean isActive(String entry) {
            return entry.equals(nav);
        }
    }

    public record StateCount(String state, long count) {
    }

    /** One (pool, model) capacity line; {@code quotaToday} is the pool's daily quota for the model (0 when unknown). */
    public record CapacityLine(String pool, String model, long keys, long usableKeys, long projects,
                               long leftThisMinute, long leftToday, long quotaToday) {
        public long meterMax() {
            return Math.max(Math.max(quotaToday, leftToday), 1);
        }
    }

    /** A bar of the SVG chart, geometry precomputed. */
    public record Bar(String label, String shortLabel, long value, int x, int y, int width, int height, int labelX,
                      int valueY, int labelY) {
    }

    public record Chart(String caption, List<Bar> bars, int width, int height, long max, int baseline) {
    }

    public record Overview(String date, String timeZone, UsageRow totals, List<UsageRow> perModel,
                           List<StateCount> keysByState, long keyCount, List<CapacityLine> capacity, Chart chart,
                           String hour, CountsRow thisHour, Chart hourlyChart) {
    }

    public record ModelUse(String model, long requests, long rpd) {
        public String text() {
            return model + ": " + requests + (rpd > 0 ? " / " + rpd : "");
        }
    }

    public record KeyLine(KeyInfo key, List<ModelUse> today) {
    }

    public record Keys(String pool, String state, String project, List<String> pools, List<KeyLine> keys,
                       String date, ImportResult imported) {
        public boolean stateIs(String s) {
            return s.equals(state);
        }

        public boolean poolIs(String p) {
            return p.equals(pool);
        }
    }

    /** The confirmation step of a key action. */
    public record Confirm(KeyInfo key, String action, String question, String button, String pools) {
    }

    public record UsageLine(UsageRow row, String masked) {
    }

    public record Usage(String date, String timeZone, List<UsageLine> keys, UsageRow keyTotals,
                        List<UsageRow> clients, UsageRow clientTotals) {
    }

    /** A target of a rule and the calls it served today. */
    public record TargetLine(RouteSummary.Target target, long callsToday) {
    }

    public record RouteLine(RouteSummary route, boolean isDefault, long callsToday, List<TargetLine> targets) {
    }

    /** {@code perRoute}: usage-service's rows for the day (route, target, counts), every route ever seen that day. */
    public record Routes(boolean available, String source, String defaultRoute, List<RouteLine> routes, String date,
                         String timeZone, List<CountsRow> perRoute, CountsRow totals,
                         List<org.geminipool.gateway.console.RoutePool> pools) {
    }

    /** One project's pinned objects on the Objects page. */
    public record ProjectObjects(String project, List<PinnedObject> objects) {
    }

    /**
     * The Objects page: per project, the stored objects the pool pinned (filters {@code project}, {@code kind}; one
     * page from {@code offset}, {@code nextOffset} null on the last).
     */
    public record Objects(String project, String kind, List<String> kinds, List<ProjectObjects> projects, int count,
                          int offset, Integer nextOffset) {
        public boolean kindIs(String k) {
            return k.equals(kind);
        }

        public boolean hasPrevious() {
            return offset > 0;
        }

        public int previousOffset() {
            return Math.max(0, offset - ConsolePages.OBJECTS_PAGE);
        }
    }
}
