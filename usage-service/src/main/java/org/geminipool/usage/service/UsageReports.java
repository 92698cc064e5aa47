package org.geminipool.usage.service;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

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
}
