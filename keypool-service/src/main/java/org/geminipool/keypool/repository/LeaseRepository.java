package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.KeyState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lease hot path in plain SQL on the reactive pool (not Hibernate): one candidate query, one conditional UPDATE
 * of the (project, model) bucket row whose affected-row count is the decision, one INSERT of the lease. This is the
 * only place that reserves quota; the check and the increment are one statement, so it is correct with any number of
 * replicas on one database.
 */
@ApplicationScoped
public class LeaseRepository {

    /** A key of the pool with its project's effective quota for the model and its bucket snapshot. */
    public record Candidate(long keyId, long projectId, String project, KeyState state, byte[] secret,
                            Integer rpm, Integer rpd, boolean bucketExists, long minuteWindow, int minuteUsed,
                            int dayWindow, int dayUsed, long cooldownUntilMs, int exhaustedDay) {

        public boolean hasQuota() {
            return rpm != null && rpd != null;
        }

        public int minuteUsedIn(long minute) {
            return minuteWindow == minute ? minuteUsed : (minuteWindow > minute ? minuteUsed : 0);
        }

        public int dayUsedIn(int day) {
            return dayWindow >= day ? dayUsed : 0;
        }
    }

    public record LeaseRow(String id, long keyId, long projectId, String model, long createdAtMs, long expiresAtMs,
                           String outcome) {
    }

    private static final String CANDIDATE_COLUMNS = "SELECT k.id, k.project_id, p.name, k.state, k.secret,"
            + " COALESCE(pq.rpm, mq.rpm) AS rpm, COALESCE(pq.rpd, mq.rpd) AS rpd, b.project_id AS bucket,"
            + " b.minute_window, b.minute_used, b.day_window, b.day_used, b.cooldown_until_ms, b.exhausted_day"
            + " FROM gp_key k JOIN gp_project p ON p.id = k.project_id"
            + " LEFT JOIN gp_model_quota mq ON mq.model = ?"
            + " LEFT JOIN gp_project_quota pq ON pq.project_id = k.project_id AND pq.model = ?"
            + " LEFT JOIN gp_quota_bucket b ON b.project_id = k.project_id AND b.model = ?";
    private static final String CANDIDATES_IN_POOL = CANDIDATE_COLUMNS
            + " WHERE EXISTS (SELECT 1 FROM gp_key_pool kp WHERE kp.key_id = k.id AND kp.pool = ?)";

    /**
     * The atomic step: counts one request in the minute and day windows only if both still have room and the bucket
     * is neither cooling down nor marked exhausted today. Window columns only move forward, so replicas whose clocks
     * differ by a few milliseconds cannot reset each other's counts.
     */
    private static final String RESERVE = "UPDATE gp_quota_bucket SET"
            + " minute_used = IF(minute_window = ?, minute_used, 0) + 1, minute_window = ?,"
            + " day_used = IF(day_window = ?, day_used, 0) + 1, day_window = ?"
            + " WHERE project_id = ? AND model = ?"
            + " AND minute_window <= ? AND day_window <= ?"
            + " AND IF(minute_window = ?, minute_used, 0) < ?"
            + " AND IF(day_window = ?, day_used, 0) < ?"
            + " AND cooldown_until_ms <= ? AND exhausted_day <> ?";

    @Inject
    Pool pool;

    public Uni<List<Candidate>> candidates(String poolName, String model) {
        return candidates(poolName, List.of(), model);
    }

    /**
     * The keys of {@code poolName}, or with {@code poolName} null of any pool except keys that are members of one of
     * {@code excludedPools} (names bound as parameters, one placeholder each).
     */
    public Uni<List<Candidate>> candidates(String poolName, List<String> excludedPools, String model) {
        Uni<RowSet<Row>> rows;
        if (poolName != null) {
            rows = pool.preparedQuery(CANDIDATES_IN_POOL).execute(Tuple.of(model, model, model, poolName));
        } else if (excludedPools == null || excludedPools.isEmpty()) {
            rows = pool.preparedQuery(CANDIDATE_COLUMNS).execute(Tuple.of(model, model, model));
        } else {
            String sql = CANDIDATE_COLUMNS + " WHERE NOT EXISTS (SELECT 1 FROM gp_key_pool kx WHERE kx.key_id = k.id"
                    + " AND kx.pool IN (" + String.join(", ", java.util.Collections.nCopies(excludedPools.size(), "?"))
                    + "))";
            List<Object> args = new ArrayList<>(List.of(model, model, model));
            args.addAll(excludedPools);
            rows = pool.preparedQuery(sql).execute(Tuple.from(args));
        }
        return rows.map(set -> {
            List<Candidate> out = new ArrayList<>(set.size());
            for (Row r : set) {
                boolean bucket = r.getValue("bucket") != null;
                out.add(new Candidate(r.getLong("id"), r.getLong("project_id"), r.getString("name"),
                        KeyState.valueOf(r.getString("state")), r.getBuffer("secret").getBytes(),
                        r.getInteger("rpm"), r.getInteger("rpd"), bucket,
                        bucket ? r.getLong("minute_window") : 0L, bucket ? r.getInteger("minute_used") : 0,
                        bucket ? r.getInteger("day_window") : 0, bucket ? r.getInteger("day_used") : 0,
                        bucket ? r.getLong("cooldown_until_ms") : 0L, bucket ? r.getInteger("exhausted_day") : -1));
            }
            return out;
        });
    }

    /** True when the model has a default quota row or at least one project override. */
    public Uni<Boolean> modelKnown(String model) {
        return pool.preparedQuery("SELECT (EXISTS (SELECT 1 FROM gp_model_quota WHERE model = ?)"
                        + " OR EXISTS (SELECT 1 FROM gp_project_quota WHERE model = ?)) AS known")
                .execute(Tuple.of(model, model))
                .map(set -> set.iterator().next().getInteger("known") == 1);
    }

    public Uni<Void> ensureBucket(long projectId, String model) {
        return pool.preparedQuery("INSERT IGNORE INTO gp_quota_bucket (project_id, model) VALUES (?, ?)")
                .execute(Tuple.of(projectId, model)).replaceWithVoid();
    }

    /** One request reserved in the (project, model) bucket, or false when it has no room (nothing changed). */
    public Uni<Boolean> reserve(long projectId, String model, long minute, int day, long nowMs, int rpm, int rpd) {
        Tuple args = Tuple.from(Arrays.asList(minute, minute, day, day, projectId, model, minute, day,
                minute, rpm, day, rpd, nowMs, day));
        return pool.preparedQuery(RESERVE).execute(args).map(set -> set.rowCount() == 1);
    }

    public Uni<Void> insertLease(String id, String requestId, long keyId, long projectId, String model, long minute,
                                 int day, long createdAtMs, long expiresAtMs) {
        return pool.preparedQuery("INSERT INTO gp_lease (id, request_id, key_id, project_id, model, minute_window,"
                        + " day_window, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(Tuple.from(Arrays.asList(id, requestId, keyId, projectId, model, minute, day,
                        createdAtMs, expiresAtMs)))
                .replaceWithVoid();
    }

    public Uni<LeaseRow> findLease(String id) {
        return pool.preparedQuery("SELECT id, key_id, project_id, model, created_at_ms, expires_at_ms, outcome"
                        + " FROM gp_lease WHERE id = ?").execute(Tuple.of(id))
                .map(set -> {
                    var it = set.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    return new LeaseRow(r.getString("id"), r.getLong("key_id"), r.getLong("project_id"),
                            r.getString("model"), r.getLong("created_at_ms"), r.getLong("expires_at_ms"),
                            r.getString("outcome"));
                });
    }

    /** Runs {@code work} in one database transaction. */
    public <T> Uni<T> inTransaction(java.util.function.Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /** Settles an open (or scheduler-expired) lease; false when it was settled already. */
    public Uni<Boolean> settle(SqlConnection c, String id, String outcome, long nowMs, Integer promptTokens,
                               Integer completionTokens, String reason) {
        return c.preparedQuery("UPDATE gp_lease SET outcome = ?, settled_at_ms = ?, prompt_tokens = ?,"
                        + " completion_tokens = ?, reason = ? WHERE id = ? AND (outcome IS NULL OR outcome = 'EXPIRED')")
                .execute(Tuple.from(Arrays.asList(outcome, nowMs, promptTokens, completionTokens, reason, id)))
                .map(set -> set.rowCount() == 1);
    }

    public Uni<Void> resetFailureStreak(SqlConnection c, long keyId) {
        return c.preparedQuery("UPDATE gp_key SET failure_streak = 0 WHERE id = ? AND failure_streak <> 0")
                .execute(Tuple.of(keyId)).replaceWithVoid();
    }

    public Uni<Void> markDayExhausted(SqlConnection c, long projectId, String model, int day) {
        return c.preparedQuery("UPDATE gp_quota_bucket SET exhausted_day = GREATEST(exhausted_day, ?)"
                        + " WHERE project_id = ? AND model = ?")
                .execute(Tuple.of(day, projectId, model)).replaceWithVoid();
    }

    public Uni<Void> coolDown(SqlConnection c, long projectId, String model, long untilMs) {
        return c.preparedQuery("UPDATE gp_quota_bucket SET cooldown_until_ms = GREATEST(cooldown_until_ms, ?)"
                        + " WHERE project_id = ? AND model = ?")
                .execute(Tuple.of(untilMs, projectId, model)).replaceWithVoid();
    }

    /** ACTIVE → BANNED with a reason; true when the key was active (an audit entry is written then). */
    public Uni<Boolean> ban(SqlConnection c, long keyId, String reason, long nowMs) {
        return c.preparedQuery("UPDATE gp_key SET state = 'BANNED', state_reason = ?, state_changed_at_ms = ?"
                        + " WHERE id = ? AND state = 'ACTIVE'")
                .execute(Tuple.of(truncate(reason), nowMs, keyId))
                .flatMap(set -> set.rowCount() == 1
                        ? audit(c, keyId, nowMs, "BANNED", reason).replaceWith(true)
                        : Uni.createFrom().item(false));
    }

    /** Failure streak +1; the key is banned when the streak reaches {@code banAfter}. Returns the new streak. */
    public Uni<Integer> upstreamFailure(SqlConnection c, long keyId, int banAfter, long nowMs) {
        return c.preparedQuery("UPDATE gp_key SET failure_streak = failure_streak + 1 WHERE id = ?")
                .execute(Tuple.of(keyId))
                .flatMap(x -> c.preparedQuery("SELECT failure_streak, state FROM gp_key WHERE id = ?")
                        .execute(Tuple.of(keyId)))
                .flatMap(set -> {
                    var it = set.iterator();
                    if (!it.hasNext()) {
                        return Uni.createFrom().item(0);
                    }
                    Row r = it.next();
                    int streak = r.getInteger("failure_streak");
                    if (streak >= banAfter && "ACTIVE".equals(r.getString("state"))) {
                        return ban(c, keyId, "UPSTREAM_ERROR " + streak + " times in a row", nowMs).replaceWith(streak);
                    }
                    return Uni.createFrom().item(streak);
                });
    }

    public Uni<Void> audit(SqlConnection c, long keyId, long nowMs, String event, String detail) {
        return c.preparedQuery("INSERT INTO gp_key_audit (key_id, at_ms, event, detail) VALUES (?, ?, ?, ?)")
                .execute(Tuple.of(keyId, nowMs, event, truncate(detail))).replaceWithVoid();
    }

    /** Closes leases past their expiry without an outcome; they keep counting. Returns how many. */
    public Uni<Integer> expireLeases(long nowMs) {
        return pool.preparedQuery("UPDATE gp_lease SET outcome = 'EXPIRED', settled_at_ms = ?"
                        + " WHERE outcome IS NULL AND expires_at_ms < ?")
                .execute(Tuple.of(nowMs, nowMs)).map(RowSet::rowCount);
    }

    static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }
}
