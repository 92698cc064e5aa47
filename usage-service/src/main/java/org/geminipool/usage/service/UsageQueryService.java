package org.geminipool.usage.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.usage.config.UsageConfig;
import org.geminipool.usage.repository.ClientDailyUsageRepository;
import org.geminipool.usage.repository.KeyDailyUsageRepository;

import java.time.Clock;
import java.time.LocalDate;
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

    Clock clock = Clock.systemUTC();

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
}
