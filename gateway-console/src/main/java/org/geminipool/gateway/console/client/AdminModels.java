package org.geminipool.gateway.console.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/** The JSON shapes of the keypool admin API and the usage query API the console reads (unknown fields ignored). */
public final class AdminModels {

    private AdminModels() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record KeyInfo(String id, String masked, String fingerprint, String project, List<String> pools,
                          String state, String stateReason, String stateChangedAt, int failureStreak,
                          String lastCheckedAt, String lastCheckResult, String createdAt) {
        public KeyInfo {
            pools = pools == null ? List.of() : pools;
        }

        public String poolsText() {
            return String.join(", ", pools);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rejected(int line, String reason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImportedKey(String id, String masked, String project, List<String> pools) {
        public ImportedKey {
            pools = pools == null ? List.of() : pools;
        }

        public String poolsText() {
            return String.join(", ", pools);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImportResult(int added, int duplicates, List<Rejected> rejected, List<ImportedKey> keys) {
        public ImportResult {
            rejected = rejected == null ? List.of() : rejected;
            keys = keys == null ? List.of() : keys;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PoolInfo(String pool, long keys, long active, long disabled, long banned) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelCapacity(String model, long keys, long usableKeys, long projects, long leftThisMinute,
                                long leftToday) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PoolCapacity(String pool, List<ModelCapacity> models) {
        public PoolCapacity {
            models = models == null ? List.of() : models;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelQuota(String model, long rpm, long rpd, Long tpm) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record QuotaTable(List<ModelQuota> models) {
        public QuotaTable {
            models = models == null ? List.of() : models;
        }
    }

    /** A row or a total of the usage API: counters, plus the key/client/model/date it is for when it is a row. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UsageRow(String date, String keyId, String clientTokenId, String model, long requests,
                           long successes, long rateLimited, long dayExhausted, long invalidOrDenied,
                           long upstreamErrors, long clientErrors, long promptTokens, long completionTokens,
                           long thoughtTokens, long totalLatencyMs) {

        public static final UsageRow ZERO = new UsageRow(null, null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        public UsageRow plus(UsageRow o) {
            return new UsageRow(date, keyId, clientTokenId, model, requests + o.requests, successes + o.successes,
                    rateLimited + o.rateLimited, dayExhausted + o.dayExhausted, invalidOrDenied + o.invalidOrDenied,
                    upstreamErrors + o.upstreamErrors, clientErrors + o.clientErrors, promptTokens + o.promptTokens,
                    completionTokens + o.completionTokens, thoughtTokens + o.thoughtTokens,
                    totalLatencyMs + o.totalLatencyMs);
        }

        public UsageRow withModel(String m) {
            return new UsageRow(date, keyId, clientTokenId, m, requests, successes, rateLimited, dayExhausted,
                    invalidOrDenied, upstreamErrors, clientErrors, promptTokens, completionTokens, thoughtTokens,
                    totalLatencyMs);
        }

        public long averageLatencyMs() {
            return requests == 0 ? 0 : totalLatencyMs / requests;
        }
    }

    /** {@code GET /usage/daily} and {@code GET /usage/clients}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DailyUsage(String date, String timeZone, List<UsageRow> rows, UsageRow totals) {
        public DailyUsage {
            rows = rows == null ? List.of() : rows;
            totals = totals == null ? UsageRow.ZERO : totals;
        }
    }

    /** {@code GET /usage/summary}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record UsageSummary(String from, String to, String timeZone, List<UsageRow> days, UsageRow totals) {
        public UsageSummary {
            days = days == null ? List.of() : days;
            totals = totals == null ? UsageRow.ZERO : totals;
        }
    }

    /** A row of {@code GET /usage/hourly} ({@code hour}: the UTC hour start) or {@code GET /usage/routes}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CountsRow(String hour, String route, String target, long requests, long successes, long rateLimited,
                            long dayExhausted, long invalidOrDenied, long upstreamErrors, long clientErrors) {
        public static final CountsRow ZERO = new CountsRow(null, null, null, 0, 0, 0, 0, 0, 0, 0);
    }

    /** {@code GET /usage/hourly}: one row per UTC hour, oldest first, zeros included. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HourlyUsage(String from, String to, int hours, String note, List<CountsRow> rows, CountsRow totals) {
        public HourlyUsage {
            rows = rows == null ? List.of() : rows;
            totals = totals == null ? CountsRow.ZERO : totals;
        }

        /** The current hour (the last row), or zeros. */
        public CountsRow last() {
            return rows.isEmpty() ? CountsRow.ZERO : rows.get(rows.size() - 1);
        }
    }

    /** {@code GET /usage/routes}: one Pacific day per route and target. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RouteUsage(String date, String timeZone, boolean retained, String note, List<CountsRow> rows,
                             CountsRow totals) {
        public RouteUsage {
            rows = rows == null ? List.of() : rows;
            totals = totals == null ? CountsRow.ZERO : totals;
        }
    }

    /** A CSV download passed through from usage-service. */
    public record Csv(String fileName, String text) {
    }

    /** One window of a (project, quota model) limit as keypool resolved it (GET /admin/limits). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record WindowLimit(Long limit, String source, boolean provisional, String learnedAt) {
        public String limitText() {
            return limit == null ? "none" : String.valueOf(limit);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BucketLimit(String project, String quotaModel, String tier, WindowLimit rpm, WindowLimit rpd,
                              WindowLimit tpm, long usedThisMinute, long usedToday, long tokensThisMinute,
                              String cooldownUntil, boolean exhaustedToday, String blockedUntil) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RetiredModel(String project, String model, String since, String message) {
        public String scope() {
            return project == null ? "every project" : project;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record QuotaModelMapping(String model, String quotaModel, String learnedAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LimitsTable(List<BucketLimit> limits, List<QuotaModelMapping> quotaModels,
                              List<RetiredModel> retired) {
        public LimitsTable {
            limits = limits == null ? List.of() : limits;
            quotaModels = quotaModels == null ? List.of() : quotaModels;
            retired = retired == null ? List.of() : retired;
        }
    }
}
