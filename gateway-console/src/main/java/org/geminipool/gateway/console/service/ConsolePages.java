package org.geminipool.gateway.console.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.geminipool.gateway.console.RouteSummary;
import org.geminipool.gateway.console.RoutesView;
import org.geminipool.gateway.console.client.AdminModels.CountsRow;
import org.geminipool.gateway.console.client.AdminModels.DailyUsage;
import org.geminipool.gateway.console.client.AdminModels.HourlyUsage;
import org.geminipool.gateway.console.client.AdminModels.RouteUsage;
import org.geminipool.gateway.console.client.AdminModels.ImportResult;
import org.geminipool.gateway.console.client.AdminModels.KeyInfo;
import org.geminipool.gateway.console.client.AdminModels.ModelCapacity;
import org.geminipool.gateway.console.client.AdminModels.ModelQuota;
import org.geminipool.gateway.console.client.AdminModels.PoolCapacity;
import org.geminipool.gateway.console.client.AdminModels.PoolInfo;
import org.geminipool.gateway.console.client.AdminModels.UsageRow;
import org.geminipool.gateway.console.client.AdminModels.UsageSummary;
import org.geminipool.gateway.console.client.BackendException;
import org.geminipool.gateway.console.client.KeypoolAdminClient;
import org.geminipool.gateway.console.client.UsageAdminClient;
import org.geminipool.gateway.console.service.Views.Bar;
import org.geminipool.gateway.console.service.Views.CapacityLine;
import org.geminipool.gateway.console.service.Views.Chart;
import org.geminipool.gateway.console.service.Views.KeyLine;
import org.geminipool.gateway.console.service.Views.ModelUse;
import org.geminipool.gateway.console.service.Views.RouteLine;
import org.geminipool.gateway.console.service.Views.StateCount;
import org.geminipool.gateway.console.service.Views.TargetLine;
import org.geminipool.gateway.console.service.Views.UsageLine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds what each page shows from keypool and usage. A service that cannot answer leaves its part of the page empty
 * and adds a message to {@code errors}; the page is still shown.
 */
@ApplicationScoped
public class ConsolePages {

    public static final List<String> STATES = List.of("ACTIVE", "DISABLED", "BANNED");
    static final int CHART_DAYS = 14;
    static final int CHART_HOURS = 24;
    /** Objects per page of the Objects page. */
    public static final int OBJECTS_PAGE = 200;

    @Inject
    KeypoolAdminClient keypool;
    @Inject
    UsageAdminClient usage;
    @Inject
    Instance<RoutesView> routesView;

    static <T> T attempt(List<String> errors, Supplier<T> call, T fallback) {
        try {
            return call.get();
        } catch (BackendException e) {
            errors.add(e.getMessage());
            return fallback;
        }
    }

    public Views.Overview overview(List<String> errors) {
        DailyUsage today = attempt(errors, () -> usage.daily(null), null);
        List<UsageRow> perModel = today == null ? List.of() : byModel(today.rows());
        List<KeyInfo> keys = attempt(errors, () -> keypool.keys(null, null, null), List.of());
        Map<String, Long> states = new LinkedHashMap<>();
        STATES.forEach(s -> states.put(s, 0L));
        keys.forEach(k -> states.merge(k.state() == null ? "UNKNOWN" : k.state(), 1L, Long::sum));
        List<StateCount> byState = states.entrySet().stream().map(e -> new StateCount(e.getKey(), e.getValue())).toList();

        Map<String, Long> rpd = new HashMap<>();
        attempt(errors, () -> keypool.quotas().models(), List.<ModelQuota>of()).forEach(q -> rpd.put(q.model(), q.rpd()));
        List<CapacityLine> capacity = new ArrayList<>();
        for (PoolInfo pool : attempt(errors, () -> keypool.pools(), List.<PoolInfo>of())) {
            PoolCapacity c = attempt(errors, () -> keypool.capacity(pool.pool()), null);
            if (c == null) {
                continue;
            }
            for (ModelCapacity m : c.models()) {
                long quota = rpd.getOrDefault(m.model(), 0L) * m.projects();
                capacity.add(new CapacityLine(pool.pool(), m.model(), m.keys(), m.usableKeys(), m.projects(),
                        m.leftThisMinute(), m.leftToday(), quota));
            }
        }
        String date = today == null ? null : today.date();
        UsageSummary summary = attempt(errors, () -> usage.summary(
                date == null ? null : LocalDate.parse(date).minusDays(CHART_DAYS - 1).toString(), date), null);
        Chart chart = chart(summary == null ? List.of() : summary.days());
        HourlyUsage hourly = attempt(errors, () -> usage.hourly(CHART_HOURS), null);
        CountsRow thisHour = hourly == null ? CountsRow.ZERO : hourly.last();
        return new Views.Overview(date, today == null ? null : today.timeZone(),
                today == null ? UsageRow.ZERO : today.totals(), perModel, byState, keys.size(), capacity, chart,
                thisHour.hour(), thisHour, hourlyChart(hourly == null ? List.of() : hourly.rows()));
    }

    /** Rows summed per model, ordered by model. */
    static List<UsageRow> byModel(List<UsageRow> rows) {
        Map<String, UsageRow> sums = new TreeMap<>();
        for (UsageRow r : rows) {
            String model = r.model() == null ? "unknown" : r.model();
            sums.merge(model, r.withModel(model), UsageRow::plus);
        }
        return new ArrayList<>(sums.values());
    }

    static Chart chart(List<UsageRow> days) {
        List<String> labels = new ArrayList<>();
        List<String> shortLabels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (UsageRow d : days) {
            String label = d.date() == null ? "" : d.date();
            labels.add(label);
            shortLabels.add(label.length() >= 10 ? label.substring(5) : label);
            values.add(d.requests());
        }
        return bars("Requests per Pacific day", labels, shortLabels, values, 36, 8);
    }

    /** Hours are UTC hour starts ({@code 2026-11-26T13:00:00Z}); the short label is the UTC hour. */
    static Chart hourlyChart(List<CountsRow> hours) {
        List<String> labels = new ArrayList<>();
        List<String> shortLabels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (CountsRow h : hours) {
            String label = h.hour() == null ? "" : h.hour();
            labels.add(label);
            shortLabels.add(label.length() >= 13 ? label.substring(11, 13) : label);
            values.add(h.requests());
        }
        return bars("Requests per hour (UTC), last " + hours.size() + " hours", labels, shortLabels, values, 24, 6);
    }

    static Chart bars(String caption, List<String> labels, List<String> shortLabels, List<Long> values, int barWidth,
                      int gap) {
        int plotHeight = 160;
        int top = 20;
        long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            int h = max == 0 ? 0 : (int) Math.round((double) v * plotHeight / max);
            int x = 10 + i * (barWidth + gap);
            bars.add(new Bar(labels.get(i), shortLabels.get(i), v, x, top + plotHeight - h, barWidth, h,
                    x + barWidth / 2, top + plotHeight - h - 4, top + plotHeight + 16));
        }
        int width = 20 + values.size() * (barWidth + gap);
        return new Chart(caption, bars, Math.max(width, 200), top + plotHeight + 40, max, top + plotHeight);
    }

    public Views.Keys keys(String pool, String state, String project, ImportResult imported, List<String> errors) {
        List<KeyInfo> keys = attempt(errors, () -> keypool.keys(pool, state, project), List.of());
        List<String> pools = new ArrayList<>(attempt(errors, () -> keypool.pools(), List.<PoolInfo>of()).stream()
                .map(PoolInfo::pool).toList());
        DailyUsage today = attempt(errors, () -> usage.daily(null), null);
        Map<String, Long> rpd = new HashMap<>();
        attempt(errors, () -> keypool.quotas().models(), List.<ModelQuota>of()).forEach(q -> rpd.put(q.model(), q.rpd()));
        Map<String, List<ModelUse>> useByKey = new HashMap<>();
        if (today != null) {
            for (UsageRow r : today.rows()) {
                useByKey.computeIfAbsent(r.keyId(), k -> new ArrayList<>())
                        .add(new ModelUse(r.model(), r.requests(), rpd.getOrDefault(r.model(), 0L)));
            }
        }
        List<KeyLine> lines = keys.stream()
                .map(k -> new KeyLine(k, useByKey.getOrDefault(k.id(), List.of()))).toList();
        return new Views.Keys(blank(pool), blank(state), blank(project), pools, lines,
                today == null ? null : today.date(), imported);
    }

    public Views.Usage usage(String date, List<String> errors) {
        DailyUsage keys = attempt(errors, () -> usage.daily(date), null);
        DailyUsage clients = attempt(errors, () -> usage.clients(date), null);
        Map<String, String> masked = new HashMap<>();
        if (keys != null && !keys.rows().isEmpty()) {
            attempt(errors, () -> keypool.keys(null, null, null), List.<KeyInfo>of())
                    .forEach(k -> masked.put(k.id(), k.masked()));
        }
        List<UsageLine> keyLines = keys == null ? List.of()
                : keys.rows().stream().map(r -> new UsageLine(r, masked.get(r.keyId()))).toList();
        String shownDate = keys != null ? keys.date() : clients != null ? clients.date() : date;
        String zone = keys != null ? keys.timeZone() : clients != null ? clients.timeZone() : null;
        return new Views.Usage(shownDate, zone, keyLines, keys == null ? UsageRow.ZERO : keys.totals(),
                clients == null ? List.of() : clients.rows(), clients == null ? UsageRow.ZERO : clients.totals());
    }

    /** The stored objects the pool pinned, grouped by project (keypool {@code GET /admin/objects}, one page). */
    public Views.Objects objects(String project, String kind, Integer offset, List<String> errors) {
        String p = project == null || project.isBlank() ? null : project.trim();
        String k = kind == null || kind.isBlank() ? null : kind.trim();
        int from = offset == null || offset < 0 ? 0 : offset;
        List<String> kinds = java.util.Arrays.stream(org.geminipool.contract.affinity.ObjectKind.values())
                .map(Enum::name).toList();
        if (k != null && !kinds.contains(k)) {
            errors.add("unknown kind " + k + "; one of " + String.join(", ", kinds));
            k = null;
        }
        String kindFilter = k;
        org.geminipool.contract.affinity.PinnedObjectsPage page = attempt(errors,
                () -> keypool.objects(p, kindFilter, from, OBJECTS_PAGE), null);
        Map<String, List<org.geminipool.contract.affinity.PinnedObject>> byProject = new LinkedHashMap<>();
        int count = 0;
        if (page != null && page.objects() != null) {
            for (org.geminipool.contract.affinity.PinnedObject o : page.objects()) {
                byProject.computeIfAbsent(o.project(), x -> new ArrayList<>()).add(o);
                count++;
            }
        }
        List<Views.ProjectObjects> groups = byProject.entrySet().stream()
                .map(e -> new Views.ProjectObjects(e.getKey(), e.getValue())).toList();
        return new Views.Objects(p, k, kinds, groups, count, from, page == null ? null : page.nextOffset());
    }

    public Views.Routes routes(List<String> errors) {
        RouteUsage today = attempt(errors, () -> usage.routes(null), null);
        List<CountsRow> perRoute = today == null ? List.of() : today.rows();
        String date = today == null ? null : today.date();
        String zone = today == null ? null : today.timeZone();
        CountsRow totals = today == null ? CountsRow.ZERO : today.totals();
        if (!routesView.isResolvable()) {
            return new Views.Routes(false, null, null, List.of(), date, zone, perRoute, totals, List.of());
        }
        Map<String, Long> byRoute = new HashMap<>();
        Map<String, Long> byRouteTarget = new HashMap<>();
        for (CountsRow row : perRoute) {
            if (row.route() != null) {
                byRoute.merge(row.route(), row.requests(), Long::sum);
                byRouteTarget.merge(row.route() + "\n" + row.target(), row.requests(), Long::sum);
            }
        }
        RoutesView view = routesView.get();
        List<RouteLine> lines = new ArrayList<>();
        for (RouteSummary r : view.routes()) {
            List<TargetLine> targets = r.targets().stream().map(t -> new TargetLine(t,
                    byRouteTarget.getOrDefault(r.name() + "\n" + t.usageLabel(), 0L))).toList();
            lines.add(new RouteLine(r, r.name() != null && r.name().equals(view.defaultRoute()),
                    byRoute.getOrDefault(r.name(), 0L), targets));
        }
        return new Views.Routes(true, view.source(), view.defaultRoute(), lines, date, zone, perRoute, totals,
                view.pools());
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Distinct pool names of a "a, b c" text field, in order. */
    public static List<String> parsePools(String text) {
        Set<String> out = new HashSet<>();
        List<String> ordered = new ArrayList<>();
        if (text != null) {
            for (String p : text.split("[,\\s]+")) {
                if (!p.isBlank() && out.add(p.trim())) {
                    ordered.add(p.trim());
                }
            }
        }
        ordered.sort(Comparator.naturalOrder());
        return ordered;
    }
}
