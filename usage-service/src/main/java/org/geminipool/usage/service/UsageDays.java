package org.geminipool.usage.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** The usage day: the calendar day in America/Los_Angeles, when Google resets its per-day quotas (design §3). */
public final class UsageDays {

    public static final ZoneId ZONE = ZoneId.of("America/Los_Angeles");

    private UsageDays() {
    }

    public static LocalDate dayOf(Instant instant) {
        return LocalDate.ofInstant(instant, ZONE);
    }

    public static LocalDate today(Clock clock) {
        return LocalDate.now(clock.withZone(ZONE));
    }

    /**
     * A query parameter date ({@code YYYY-MM-DD}); {@code fallback} when absent or blank; 400 when it is not a real
     * calendar date.
     */
    public static LocalDate parse(String name, String value, LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw UsageRequestException.badRequest("invalid " + name + " '" + abbreviate(value)
                    + "': expected a calendar date YYYY-MM-DD");
        }
    }

    static String abbreviate(String value) {
        String v = value.replaceAll("[\\p{Cntrl}]", "?");
        return v.length() <= 40 ? v : v.substring(0, 40) + "…";
    }
}
