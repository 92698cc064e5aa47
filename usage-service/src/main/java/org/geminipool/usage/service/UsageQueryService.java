package org.geminipool.usage.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.usage.config.UsageConfig;
import org.geminipool.usage.repository.ClientDailyUsageRepository;
import org.geminipool.usage.repository.KeyDailyUsageRepository;
import org.geminipool.usage.repository.UsageEventRepository;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The query routes. Dates are Pacific days; an absent date means today (Pacific). */
@ApplicationScoped
public class UsageQueryService {

    @Inject
    UsageConfig config;

    @Inject
    KeyDailyUsageRepository keys;

    @Inject
    ClientDailyUsageRepository clients;

    @Inject
    UsageEventRepository events;

    Clock clock = Clock.systemUTC();

    /** Most hours {@code /usage/hourly} answers (seven days, the default retention). */
    public static final int MAX_HOURS = 168;

    /** Per key and model on one day; {@code keyId} and {@code model} filter when given. */
    @WithSession
    public Uni<UsageReports.Daily> daily(String date, String keyId, String model) {
        LocalDate day = UsageDays.parse("date", date, UsageDays.today(clock));
        return keys.forDay(day, blankToNull(keyId), blankToNull(model)).map(list -> {
            Counters totals = Counters.ZERO;
            List<UsageReports.KeyRow> rows = new ArrayList<>(list.size());
            for (var u : list) {
                Counters c = Counters.of(u.counts);
                rows.add(new UsageReports.KeyRow(u.keyId, u.model, c));
                totals = totals.plus(c);
            }
            return new UsageReports.Daily(day, UsageDays.ZONE.getId(), rows, totals);
        });
    }

    /** Per client token and model on one day. */
    @WithSession
    public Uni<UsageReports.Clients> clients(String date) {
        LocalDate day = UsageDays.parse("date", date, UsageDays.today(clock));
        return clients.forDay(day).map(list -> {
            Counters totals = Counters.ZERO;
            List<UsageReports.ClientRow> rows = new ArrayList<>(list.size());
            for (var u : list) {
                Counters c = Counters.of(u.counts);
                rows.add(new UsageReports.ClientRow(u.clientTokenId, u.model, c));
                totals = totals.plus(c);
            }
            return new UsageReports.Clients(day, UsageDays.ZONE.getId(), rows, totals);
        });
    }

    /**
     * Totals per day from {@code from} to {@code to}, both included, every day listed (zeros too). Defaults: {@code to}
     * today, {@code from} six days before {@code to}. Reversed ranges and ranges longer than the limit answer 400.
     */
    @WithSession
    public Uni<UsageReports.Summary> summary(String fromParam, String toParam) {
        LocalDate to = UsageDays.parse("to", toParam, UsageDays.today(clock));
        LocalDate from = UsageDays.parse("from", fromParam, to.minusDays(6));
        if (from.isAfter(to)) {
            return Uni.createFrom().failure(UsageRequestException.badRequest(
                    "from (" + from + ") is after to (" + to + ")"));
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        int limit = config.usage().maxRangeDays();
        if (days > limit) {
            return Uni.createFrom().failure(UsageRequestException.badRequest("range of " + days
                    + " days is longer than the limit of " + limit + " days (GEMINI_POOL_USAGE_MAX_RANGE_DAYS)"));
        }
        return keys.totalsPerDay(from, to).map(list -> {
            Map<LocalDate, Counters> byDay = new HashMap<>();
            for (Object[] row : list) {
                byDay.put((LocalDate) row[0], Counters.of(row, 1));
            }
            Counters totals = Counters.ZERO;
            List<UsageReports.DayRow> rows = new ArrayList<>((int) days);
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                Counters c = byDay.getOrDefault(d, Counters.ZERO);
                rows.add(new UsageReports.DayRow(d, c));
                totals = totals.plus(c);
            }
            return new UsageReports.Summary(from, to, UsageDays.ZONE.getId(), rows, totals);
        });
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * Counts per UTC hour for the last {@code hours} hours (1..168, default 24), the current hour included, from the raw
     * events. {@code until} (optional ISO instant) moves the window: its last hour is the one containing it.
     */
    @WithSession
    public Uni<UsageReports.Hourly> hourly(String hoursParam, String untilParam) {
        int hours = parseHours(hoursParam);
        Instant until = parseInstant("until", untilParam, clock.instant());
        Instant to = until.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant from = to.minus(Duration.ofHours(hours));
        int retentionDays = config.usage().retentionDays();
        return events.countsPerHour(utc(from), utc(to)).map(list -> {
            Counters[] perHour = new Counters[hours];
            for (Object[] row : list) {
                int h = ((Number) row[0]).intValue();
                if (h >= 0 && h < hours) {
                    perHour[h] = Counters.of(row, 1);
                }
            }
            Counters totals = Counters.ZERO;
            List<UsageReports.HourRow> rows = new ArrayList<>(hours);
            for (int h = 0; h < hours; h++) {
                Counters c = perHour[h] == null ? Counters.ZERO : perHour[h];
                rows.add(new UsageReports.HourRow(from.plus(Duration.ofHours(h)), c));
                totals = totals.plus(c);
            }
            return new UsageReports.Hourly(from, to, hours, "UTC", retentionDays, retentionNote(retentionDays),
                    rows, totals);
        });
    }

    /** Per route and target on one Pacific day (default today), from the raw events. */
    @WithSession
    public Uni<UsageReports.Routes> routes(String date) {
        LocalDate day = UsageDays.parse("date", date, UsageDays.today(clock));
        int retentionDays = config.usage().retentionDays();
        Instant dayStart = day.atStartOfDay(UsageDays.ZONE).toInstant();
        boolean retained = !dayStart.isBefore(clock.instant().minus(Duration.ofDays(retentionDays)));
        return events.countsPerRoute(day).map(list -> {
            Counters totals = Counters.ZERO;
            List<UsageReports.RouteRow> rows = new ArrayList<>(list.size());
            for (Object[] row : list) {
                Counters c = Counters.of(row, 2);
                rows.add(new UsageReports.RouteRow((String) row[0], (String) row[1], c));
                totals = totals.plus(c);
            }
            return new UsageReports.Routes(day, UsageDays.ZONE.getId(), retained, retentionDays,
                    retentionNote(retentionDays), rows, totals);
        });
    }

    static String retentionNote(int retentionDays) {
        return "counted from raw events, which are kept " + retentionDays
                + " days after receipt (GEMINI_POOL_USAGE_RETENTION_DAYS): older periods have no data here;"
                + " /usage/daily and /usage/summary keep per-day totals";
    }

    static int parseHours(String value) {
        if (value == null || value.isBlank()) {
            return 24;
        }
        try {
            int hours = Integer.parseInt(value.trim());
            if (hours >= 1 && hours <= MAX_HOURS) {
                return hours;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw UsageRequestException.badRequest("invalid hours '" + UsageDays.abbreviate(value)
                + "': expected a whole number from 1 to " + MAX_HOURS);
    }

    static Instant parseInstant(String name, String value, Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            Instant instant = OffsetDateTime.parse(value.trim()).toInstant();
            int year = instant.atOffset(ZoneOffset.UTC).getYear();
            if (year >= 2000 && year <= 2099) {
                return instant;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw UsageRequestException.badRequest("invalid " + name + " '" + UsageDays.abbreviate(value)
                + "': expected an ISO-8601 instant with Z or an offset, years 2000-2099");
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
