package org.geminipool.usage.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** Answers of the query routes (JSON; the CSV form has one line per row with the same names). */
public final class UsageReports {

    private UsageReports() {
    }

    /** {@code GET /usage/daily}. */
    public record Daily(LocalDate date, String timeZone, List<KeyRow> rows, Counters totals) {
    }

    public record KeyRow(String keyId, String model, @JsonUnwrapped Counters counters) {
    }

    /** {@code GET /usage/clients}. */
    public record Clients(LocalDate date, String timeZone, List<ClientRow> rows, Counters totals) {
    }

    public record ClientRow(String clientTokenId, String model, @JsonUnwrapped Counters counters) {
    }

    /** {@code GET /usage/summary}: one entry per day of the range, zeros included. */
    public record Summary(LocalDate from, LocalDate to, String timeZone, List<DayRow> days, Counters totals) {
    }

    public record DayRow(LocalDate date, @JsonUnwrapped Counters counters) {
    }

    /**
     * {@code GET /usage/hourly}: one entry per UTC hour from {@code from} (inclusive) to {@code to} (exclusive), oldest
     * first, zeros included; counted from the raw events, so hours older than the retention have none.
     */
    public record Hourly(Instant from, Instant to, int hours, String timeZone, int retentionDays, String note,
                         List<HourRow> rows, Counters totals) {
    }

    public record HourRow(Instant hour, @JsonUnwrapped Counters counters) {
    }

    /**
     * {@code GET /usage/routes}: one Pacific day per route and target, from the raw events. {@code retained} is false
     * when the day began before the retention window, so its raw events may be partly or wholly deleted.
     */
    public record Routes(LocalDate date, String timeZone, boolean retained, int retentionDays, String note,
                         List<RouteRow> rows, Counters totals) {
    }

    public record RouteRow(String route, String target, @JsonUnwrapped Counters counters) {
    }
}
