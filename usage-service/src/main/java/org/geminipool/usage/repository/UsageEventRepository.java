package org.geminipool.usage.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.geminipool.usage.UsageEvent;
import org.geminipool.usage.service.NewEvent;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Raw events and the atomic idempotent write. Called inside the ingestion transaction:
 * {@link #insertIgnore} writes the events not seen before, tagged with the transaction's ingest id;
 * {@link #addToKeyAggregates} and {@link #addToClientAggregates} add exactly those rows to the aggregates.
 * A concurrent caller inserting the same event id waits on the row lock and then finds a duplicate, so every event is
 * counted once.
 */
@ApplicationScoped
@WithSession
public class UsageEventRepository implements PanacheRepositoryBase<UsageEvent, String> {

    /** Rows per INSERT statement (20 placeholders each; MySQL allows 65535 per statement). */
    static final int ROWS_PER_STATEMENT = 500;

    private static final String INSERT_COLUMNS = "INSERT IGNORE INTO usage_event (event_id, ingest_id, occurred_at,"
            + " usage_day, received_at, key_id, agg_key_id, project, model, route, target, provider, client_token_id,"
            + " outcome, http_status, latency_ms, prompt_tokens, completion_tokens, thought_tokens, door) VALUES ";
    private static final int COLUMNS = 20;

    private static final String COUNTERS = "COUNT(*), SUM(outcome = 'SUCCESS'), SUM(outcome = 'RATE_LIMITED'),"
            + " SUM(outcome = 'QUOTA_EXHAUSTED_DAY'), SUM(outcome IN ('INVALID_KEY', 'PERMISSION_DENIED')),"
            + " SUM(outcome = 'UPSTREAM_ERROR'), SUM(outcome = 'CLIENT_ERROR'), SUM(prompt_tokens),"
            + " SUM(completion_tokens), SUM(thought_tokens), SUM(latency_ms)";
    private static final String COUNTER_COLUMNS = "requests, successes, rate_limited, day_exhausted, invalid_or_denied,"
            + " upstream_errors, client_errors, prompt_tokens, completion_tokens, thought_tokens, total_latency_ms";
    private static final String ADD_COUNTERS = " ON DUPLICATE KEY UPDATE"
            + " requests = requests + VALUES(requests), successes = successes + VALUES(successes),"
            + " rate_limited = rate_limited + VALUES(rate_limited), day_exhausted = day_exhausted + VALUES(day_exhausted),"
            + " invalid_or_denied = invalid_or_denied + VALUES(invalid_or_denied),"
            + " upstream_errors = upstream_errors + VALUES(upstream_errors),"
            + " client_errors = client_errors + VALUES(client_errors),"
            + " prompt_tokens = prompt_tokens + VALUES(prompt_tokens),"
            + " completion_tokens = completion_tokens + VALUES(completion_tokens),"
            + " thought_tokens = thought_tokens + VALUES(thought_tokens),"
            + " total_latency_ms = total_latency_ms + VALUES(total_latency_ms)";

    private static final String KEY_AGGREGATE = "INSERT INTO usage_daily_key (usage_day, key_id, model, " + COUNTER_COLUMNS
            + ") SELECT usage_day, agg_key_id, model, " + COUNTERS + " FROM usage_event WHERE ingest_id = ?1"
            + " GROUP BY usage_day, agg_key_id, model ORDER BY usage_day, agg_key_id, model" + ADD_COUNTERS;
    private static final String CLIENT_AGGREGATE = "INSERT INTO usage_daily_client (usage_day, client_token_id, model, "
            + COUNTER_COLUMNS + ") SELECT usage_day, client_token_id, model, " + COUNTERS
            + " FROM usage_event WHERE ingest_id = ?1"
            + " GROUP BY usage_day, client_token_id, model ORDER BY usage_day, client_token_id, model" + ADD_COUNTERS;

    /**
     * Inserts the events whose id is new; returns how many were inserted. Callers pass events sorted by id, so two
     * concurrent batches take their row locks in the same order.
     */
    public Uni<Integer> insertIgnore(String ingestId, LocalDateTime receivedAtUtc, List<NewEvent> events) {
        Uni<Integer> total = Uni.createFrom().item(0);
        for (int from = 0; from < events.size(); from += ROWS_PER_STATEMENT) {
            List<NewEvent> chunk = events.subList(from, Math.min(events.size(), from + ROWS_PER_STATEMENT));
            total = total.flatMap(sum -> insertChunk(ingestId, receivedAtUtc, chunk).map(n -> sum + n));
        }
        return total;
    }

    private Uni<Integer> insertChunk(String ingestId, LocalDateTime receivedAtUtc, List<NewEvent> chunk) {
        StringBuilder sql = new StringBuilder(INSERT_COLUMNS);
        for (int row = 0; row < chunk.size(); row++) {
            sql.append(row == 0 ? "(" : ",(");
            int base = row * COLUMNS;
            for (int c = 1; c <= COLUMNS; c++) {
                // Nullable columns are bound as '' / -1 and turned back into NULL here: binding a typeless null
                // through a native query is not portable.
                String p = "?" + (base + c);
                sql.append(c == 1 ? "" : ",").append(switch (c) {
                    case 6, 8, 10, 11, 12, 20 -> "NULLIF(" + p + ", '')";
                    case 15 -> "NULLIF(" + p + ", -1)";
                    default -> p;
                });
            }
            sql.append(')');
        }
        return getSession().flatMap(session -> {
            var query = session.createNativeQuery(sql.toString());
            for (int row = 0; row < chunk.size(); row++) {
                NewEvent e = chunk.get(row);
                int base = row * COLUMNS;
                query.setParameter(base + 1, e.eventId());
                query.setParameter(base + 2, ingestId);
                query.setParameter(base + 3, LocalDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC));
                query.setParameter(base + 4, e.day());
                query.setParameter(base + 5, receivedAtUtc);
                query.setParameter(base + 6, orEmpty(e.keyId()));
                query.setParameter(base + 7, e.aggregateKeyId());
                query.setParameter(base + 8, orEmpty(e.project()));
                query.setParameter(base + 9, e.model());
                query.setParameter(base + 10, orEmpty(e.route()));
                query.setParameter(base + 11, orEmpty(e.target()));
                query.setParameter(base + 12, orEmpty(e.provider()));
                query.setParameter(base + 13, e.clientTokenId());
                query.setParameter(base + 14, e.outcome().name());
                query.setParameter(base + 15, e.httpStatus() == null ? -1 : e.httpStatus());
                query.setParameter(base + 16, e.latencyMs());
                query.setParameter(base + 17, e.promptTokens());
                query.setParameter(base + 18, e.completionTokens());
                query.setParameter(base + 19, e.thoughtTokens());
                query.setParameter(base + 20, orEmpty(e.door()));
            }
            return query.executeUpdate();
        });
    }

    /** Adds the rows inserted under {@code ingestId} to the per (day, key, model) aggregates. */
    public Uni<Integer> addToKeyAggregates(String ingestId) {
        return getSession().flatMap(s -> s.createNativeQuery(KEY_AGGREGATE).setParameter(1, ingestId).executeUpdate());
    }

    /** Adds the rows inserted under {@code ingestId} to the per (day, client token, model) aggregates. */
    public Uni<Integer> addToClientAggregates(String ingestId) {
        return getSession().flatMap(s -> s.createNativeQuery(CLIENT_AGGREGATE).setParameter(1, ingestId).executeUpdate());
    }

    /** Deletes at most {@code limit} raw events received before {@code cutoffUtc}; returns how many. Autocommit. */
    public Uni<Integer> deleteReceivedBefore(LocalDateTime cutoffUtc, int limit) {
        return getSession().flatMap(s -> s.createNativeQuery("DELETE FROM usage_event WHERE received_at < ?1 LIMIT ?2")
                .setParameter(1, cutoffUtc).setParameter(2, limit).executeUpdate());
    }

    /**
     * Raw events with {@code fromUtc <= occurred_at < toUtc}, per hour: each row is {@code [hour index from fromUtc,
     * requests, successes, rateLimited, dayExhausted, invalidOrDenied, upstreamErrors, clientErrors, promptTokens,
     * completionTokens, thoughtTokens, totalLatencyMs]}; hours without events left out. {@code fromUtc} is an hour start.
     */
    public Uni<List<Object[]>> countsPerHour(LocalDateTime fromUtc, LocalDateTime toUtc) {
        String sql = "SELECT TIMESTAMPDIFF(HOUR, ?1, occurred_at) AS h, " + COUNTERS + " FROM usage_event"
                + " WHERE occurred_at >= ?2 AND occurred_at < ?3 GROUP BY h ORDER BY h";
        return getSession().flatMap(s -> s.<Object[]>createNativeQuery(sql, Object[].class)
                .setParameter(1, fromUtc).setParameter(2, fromUtc).setParameter(3, toUtc).getResultList());
    }

    /**
     * Raw events of one Pacific day per route and target: each row is {@code [route, target, requests, …,
     * totalLatencyMs]} (route/target null when the events had none), ordered by route, target.
     */
    public Uni<List<Object[]>> countsPerRoute(LocalDate day) {
        String sql = "SELECT route, target, " + COUNTERS + " FROM usage_event WHERE usage_day = ?1"
                + " GROUP BY route, target ORDER BY route, target";
        return getSession().flatMap(s -> s.<Object[]>createNativeQuery(sql, Object[].class)
                .setParameter(1, day).getResultList());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
