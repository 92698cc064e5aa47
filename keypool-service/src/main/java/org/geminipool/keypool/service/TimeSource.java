package org.geminipool.keypool.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The service's clock. Every quota window is computed from it (never from the database's NOW()), so tests can move
 * time with {@link #shift(Duration)}. Production never shifts it.
 */
@ApplicationScoped
public class TimeSource {

    public static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    private final Clock clock = Clock.systemUTC();
    private volatile long offsetMillis;

    public Instant now() {
        return Instant.ofEpochMilli(nowMillis());
    }

    public long nowMillis() {
        return clock.millis() + offsetMillis;
    }

    /** Test hook: moves this service's clock. */
    public void shift(Duration duration) {
        offsetMillis += duration.toMillis();
    }

    public void resetShift() {
        offsetMillis = 0;
    }

    /** Epoch minute of a moment: fixed one-minute windows. */
    public static long minuteWindow(long epochMillis) {
        return Math.floorDiv(epochMillis, 60_000L);
    }

    /** Epoch day of the America/Los_Angeles calendar date of a moment (Google resets RPD at Pacific midnight). */
    public static int dayWindow(long epochMillis) {
        return (int) LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), PACIFIC).toEpochDay();
    }

    /** The first millisecond of the next minute window. */
    public static long nextMinuteStart(long epochMillis) {
        return (minuteWindow(epochMillis) + 1) * 60_000L;
    }

    /** Next midnight in America/Los_Angeles, as epoch millis (DST-aware: days may be 23 or 25 hours). */
    public static long nextPacificMidnight(long epochMillis) {
        LocalDate next = LocalDate.ofEpochDay(dayWindow(epochMillis) + 1L);
        return next.atStartOfDay(PACIFIC).toInstant().toEpochMilli();
    }
}
