package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/gemini-pool.json queries only metrics that exist: the services' own, derived from their Micrometer
 * calls in the code, and the framework's, listed in src/test/resources/framework-metrics.txt (from a running stack).
 */
class DashboardTest {

    static final String DASHBOARD = "deploy/grafana/gemini-pool.json";
    static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless", "inf", "nan");

    /** Prometheus names of the meters the services' main code registers (Micrometer's Prometheus naming). */
    static Set<String> namesFromCode() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern meter = Pattern.compile(
                "(Counter\\.builder|\\bcounter|Gauge\\.builder|\\bgauge|Timer\\.builder|\\btimer|DistributionSummary\\.builder)"
                        + "\\(\\s*\"([A-Za-z0-9_.]+)\"");
        for (String svc : List.of("gateway-service", "keypool-service", "usage-service", "gateway-console", "common")) {
            Path src = Repo.path(svc + "/src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(src)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
                    Matcher m = meter.matcher(Repo.read(f));
                    while (m.find()) {
                        String base = m.group(2).replace('.', '_');
                        String kind = m.group(1);
                        if (kind.contains("ounter")) {
                            names.add(base.endsWith("_total") ? base : base + "_total");
                        } else if (kind.contains("auge")) {
                            names.add(base);
                        } else {
                            String unit = kind.contains("imer") ? "_seconds" : "";
                            for (String suffix : List.of("_count", "_sum", "_max", "_bucket")) {
                                names.add(base + unit + suffix);
                            }
                        }
                    }
                }
            }
        }
        return names;
    }

    static Set<String> frameworkNames() {
        return Repo.read("deploy-check/src/test/resources/framework-metrics.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The metric names a PromQL expression selects (functions, keywords, labels, ranges and strings removed). */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w$:.])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?").matcher(e);
        while (m.find()) {
            if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    static List<String> expressions(Object node) {
        List<String> out = new ArrayList<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("expr".equals(k) && v instanceof String s) {
                    out.add(s);
                } else {
                    out.addAll(expressions(v));
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(v -> out.addAll(expressions(v)));
        }
        return out;
    }

    @Test
    void theExtractorFindsMetricNamesOnly() {
        assertEquals(Set.of("a_total", "b_seconds_sum"), metricNames(
                "sum by (route, le) (rate(a_total{job=\"x\", route=~\"a|b\"}[$__rate_interval])) / on(job) b_seconds_sum offset 5m"));
        assertEquals(Set.of("keypool_keys"), metricNames("time() - max by (job) (keypool_keys) > 0.5"));
    }

    @Test
    void theCodeDerivationMatchesWhatARunningServiceExports() throws IOException {
        Set<String> code = namesFromCode();
        // seen on /q/metrics of a running stack (bench/memory/run.sh)
        for (String seen : List.of("gemini_pool_requests_total", "gemini_pool_upstream_latency_seconds_count",
                "gemini_pool_usage_queue_depth", "gemini_pool_usage_events_accepted_total", "keypool_keys",
                "keypool_leases_granted_total", "keypool_job_last_success_seconds")) {
            assertTrue(code.contains(seen), "derived names lack " + seen + ": " + code);
        }
    }

    @Test
    void everyQueriedMetricIsExported() throws IOException {
        Object dashboard = Repo.yaml().load(Repo.read(DASHBOARD));
        List<String> exprs = expressions(dashboard);
        assertTrue(exprs.size() >= 10, DASHBOARD + " has only " + exprs.size() + " queries");
        Set<String> exported = new TreeSet<>(namesFromCode());
        exported.addAll(frameworkNames());
        Set<String> used = new TreeSet<>();
        for (String expr : exprs) {
            Set<String> names = metricNames(expr);
            assertFalse(names.isEmpty(), "no metric in: " + expr);
            for (String name : names) {
                assertTrue(exported.contains(name), DASHBOARD + " queries " + name + ", which no service exports: " + expr);
            }
            used.addAll(names);
        }
        // the dashboard covers each service's own metrics
        for (String prefix : List.of("gemini_pool_requests", "gemini_pool_usage_queue", "keypool_", "gemini_pool_usage_events_accepted")) {
            assertTrue(used.stream().anyMatch(n -> n.startsWith(prefix)), "the dashboard shows no " + prefix + "* metric");
        }
    }

    @Test
    void aQueryOfAnUnknownNameWouldFail() throws IOException {
        Set<String> exported = new TreeSet<>(namesFromCode());
        exported.addAll(frameworkNames());
        assertFalse(exported.containsAll(metricNames("rate(gemini_pool_requests_totals[5m])")));
    }
}
