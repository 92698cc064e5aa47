package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.common.upstream.QuotaViolation;
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

    /**
     * A key of the pool with what every limit source says for the model, its project's state and its bucket snapshot.
     * {@code quotaModel} is the bucket's model: the quota model Google counts the requested ID under.
     */
    public record Candidate(long keyId, long projectId, String project, KeyState state, byte[] secret, String tier,
                            long blockedUntilMs, String quotaModel, boolean retired,
                            Long overrideRpm, Long overrideRpd, Long overrideTpm,
                            Long adminRpm, Long adminRpd, Long adminTpm,
                            Long hintRpm, Long hintRpmAt, Long hintRpd, Long hintRpdAt, Long hintTpm, Long hintTpmAt,
                            Bucket bucket) {
    }

    /** The (project, quota model) row: windows with their counts, states, learned limits, probe days. */
    public record Bucket(boolean exists, long minuteWindow, long minuteUsed, int dayWindow, long dayUsed,
                         long tpmWindow, long tpmUsed, long cooldownUntilMs, int exhaustedDay,
                         Long learnedRpm, Long learnedRpmAt, Long learnedRpd, Long learnedRpdAt,
                         Long learnedTpm, Long learnedTpmAt, int rpmProbeDay, int rpdProbeDay, int tpmProbeDay) {

        public static final Bucket EMPTY = new Bucket(false, 0, 0, 0, 0, 0, 0, 0, -1, null, null, null, null, null, null,
                -1, -1, -1);

        public long minuteUsedIn(long minute) {
            return minuteWindow >= minute ? minuteUsed : 0;
        }

        public long dayUsedIn(int day) {
            return dayWindow >= day ? dayUsed : 0;
        }

        public long tokensUsedIn(long minute) {
            return tpmWindow >= minute ? tpmUsed : 0;
        }
    }

    public record LeaseRow(String id, long keyId, long projectId, String model, String quotaModel, long minuteWindow,
                           int dayWindow, long createdAtMs, long expiresAtMs, String outcome, long estTokens,
                           int probeMask) {
    }

    /** The limits bound into one reservation: each window's value (a huge number for "none") and provisional flag. */
    public record Reservation(long projectId, String quotaModel, long minute, int day, long nowMs, long tokens,
                              long rpm, boolean rpmProvisional, long rpd, boolean rpdProvisional,
                              long tpm, boolean tpmProvisional, long version) {

        public Reservation(long projectId, String quotaModel, long minute, int day, long nowMs, long tokens,
                           long rpm, boolean rpmProvisional, long rpd, boolean rpdProvisional,
                           long tpm, boolean tpmProvisional) {
            this(projectId, quotaModel, minute, day, nowMs, tokens, rpm, rpmProvisional, rpd, rpdProvisional, tpm,
                    tpmProvisional, -1);
        }
    }

    private static final String CANDIDATE_COLUMNS = "SELECT k.id, k.project_id, p.name, p.tier, p.blocked_until_ms,"
            + " k.state, k.secret, q.qm AS quota_model, (r.model IS NOT NULL OR rg.model IS NOT NULL) AS retired,"
            + " pq.rpm AS pq_rpm, pq.rpd AS pq_rpd, pq.tpm AS pq_tpm, mq.rpm AS mq_rpm, mq.rpd AS mq_rpd, mq.tpm AS mq_tpm,"
            + " h.rpm AS h_rpm, h.rpm_at_ms AS h_rpm_at, h.rpd AS h_rpd, h.rpd_at_ms AS h_rpd_at, h.tpm AS h_tpm,"
            + " h.tpm_at_ms AS h_tpm_at, b.project_id AS bucket, b.minute_window, b.minute_used, b.day_window,"
            + " b.day_used, b.tpm_window, b.tpm_used, b.cooldown_until_ms, b.exhausted_day, b.learned_rpm,"
            + " b.learned_rpm_at_ms, b.learned_rpd, b.learned_rpd_at_ms, b.learned_tpm, b.learned_tpm_at_ms,"
            + " b.rpm_probe_day, b.rpd_probe_day, b.tpm_probe_day"
            + " FROM gp_key k JOIN gp_project p ON p.id = k.project_id"
            + " CROSS JOIN (SELECT COALESCE((SELECT quota_model FROM gp_quota_model WHERE model = ?), ?) AS qm) q"
            + " LEFT JOIN gp_model_quota mq ON mq.model = ?"
            + " LEFT JOIN gp_project_quota pq ON pq.project_id = k.project_id AND pq.model = ?"
            + " LEFT JOIN gp_limit_hint h ON h.quota_model = q.qm AND h.tier = COALESCE(p.tier, 'FREE')"
            + " LEFT JOIN gp_quota_bucket b ON b.project_id = k.project_id AND b.model = q.qm"
            + " LEFT JOIN gp_model_retirement r ON r.model = ? AND r.project_id = k.project_id"
            + " LEFT JOIN gp_model_retirement rg ON rg.model = ? AND rg.project_id = 0";
    private static final String CANDIDATES_IN_POOL = CANDIDATE_COLUMNS
            + " WHERE EXISTS (SELECT 1 FROM gp_key_pool kp WHERE kp.key_id = k.id AND kp.pool = ?)";

    /**
     * The atomic step: counts one request (and its estimated input tokens) in the minute, day and token windows only
     * if each still has room — or, for a provisional limit, if this window has not probed above it yet today — and the
     * bucket is neither cooling down nor marked exhausted today. SET runs left to right: the probe days are set from the
     * counts before the increments. Window columns only move forward, so replicas whose clocks differ by a few
     * milliseconds cannot reset each other's counts.
     */
    private static final String RESERVE = "UPDATE gp_quota_bucket SET"
            + " rpm_probe_day = IF(IF(minute_window = ?, minute_used, 0) + ? > ?, ?, rpm_probe_day),"
            + " rpd_probe_day = IF(IF(day_window = ?, day_used, 0) + ? > ?, ?, rpd_probe_day),"
            + " tpm_probe_day = IF(IF(tpm_window = ?, tpm_used, 0) + ? > ?, ?, tpm_probe_day),"
            + " minute_used = IF(minute_window = ?, minute_used, 0) + ?, minute_window = ?,"
            + " day_used = IF(day_window = ?, day_used, 0) + ?, day_window = ?,"
            + " tpm_used = IF(tpm_window = ?, tpm_used, 0) + ?, tpm_window = ?"
            + " WHERE project_id = ? AND model = ?"
            + " AND minute_window <= ? AND day_window <= ? AND tpm_window <= ?"
            + " AND (IF(minute_window = ?, minute_used, 0) + ? <= ? OR (? AND rpm_probe_day <> ?))"
            + " AND (IF(day_window = ?, day_used, 0) + ? <= ? OR (? AND rpd_probe_day <> ?))"
            + " AND (IF(tpm_window = ?, tpm_used, 0) + ? <= ? OR (? AND tpm_probe_day <> ?))"
            + " AND cooldown_until_ms <= ? AND exhausted_day <> ?"
            // The limits above come from this replica's snapshot: they bind only if no writer changed anything since
            // (every writer bumps gp_change in its transaction; this read takes a shared lock on that one row, so a
            // change either commits before this statement and fails it, or waits for it).
            + " AND (? < 0 OR (SELECT version FROM gp_change WHERE id = 1) = ?)";

    @Inject
    Pool pool;

    /**
     * The keys of {@code poolName} (all keys with null) with every limit source for {@code model}: the admin's
     * capacity view. The lease path reads the in-memory snapshot instead (snapshot/Catalog).
     */
    public Uni<List<Candidate>> candidates(String poolName, String model) {
        List<Object> args = new ArrayList<>(List.of(model, model, model, model, model, model));
        String sql;
        if (poolName != null) {
            sql = CANDIDATES_IN_POOL;
            args.add(poolName);
        } else {
            sql = CANDIDATE_COLUMNS;
        }
        return pool.preparedQuery(sql).execute(Tuple.from(args)).map(set -> {
            List<Candidate> out = new ArrayList<>(set.size());
            for (Row r : set) {
                Bucket bucket = r.getValue("bucket") == null ? Bucket.EMPTY : bucket(r);
                out.add(new Candidate(r.getLong("id"), r.getLong("project_id"), r.getString("name"),
                        KeyState.valueOf(r.getString("state")), r.getBuffer("secret").getBytes(), r.getString("tier"),
                        r.getLong("blocked_until_ms"), r.getString("quota_model"), r.getInteger("retired") == 1,
                        r.getLong("pq_rpm"), r.getLong("pq_rpd"), r.getLong("pq_tpm"),
                        r.getLong("mq_rpm"), r.getLong("mq_rpd"), r.getLong("mq_tpm"),
                        r.getLong("h_rpm"), r.getLong("h_rpm_at"), r.getLong("h_rpd"), r.getLong("h_rpd_at"),
                        r.getLong("h_tpm"), r.getLong("h_tpm_at"), bucket));
            }
            return out;
        });
    }

    /** Units of a block not handed out go back to the windows they were counted in; tokens of block leases are added. */
    public Uni<Void> giveBack(long projectId, String quotaModel, long minute, int day, long units, long tokensMinute,
                              long tokens) {
        return pool.preparedQuery("UPDATE gp_quota_bucket SET"
                        + " minute_used = IF(minute_window = ?, GREATEST(0, CAST(minute_used AS SIGNED) - ?), minute_used),"
                        + " day_used = IF(day_window = ?, GREATEST(0, CAST(day_used AS SIGNED) - ?), day_used),"
                        + " tpm_used = IF(tpm_window = ?, GREATEST(0, CAST(tpm_used AS SIGNED) + ?), tpm_used)"
                        + " WHERE project_id = ? AND model = ?")
                .execute(Tuple.from(Arrays.asList(minute, units, day, units, tokensMinute, tokens, projectId, quotaModel)))
                .replaceWithVoid();
    }

    /** The bucket row now (null when it does not exist) and the change counter. */
    public Uni<java.util.Map.Entry<Bucket, Long>> readBucket(long projectId, String quotaModel) {
        return pool.preparedQuery("SELECT c.version AS change_version, b.* FROM gp_change c LEFT JOIN gp_quota_bucket b"
                        + " ON b.project_id = ? AND b.model = ? WHERE c.id = 1")
                .execute(Tuple.of(projectId, quotaModel))
                .map(set -> {
                    if (!set.iterator().hasNext()) {
                        return java.util.Map.entry(Bucket.EMPTY, -1L);
                    }
                    Row r = set.iterator().next();
                    return java.util.Map.entry(r.getValue("project_id") == null ? Bucket.EMPTY : bucket(r),
                            r.getLong("change_version"));
                });
    }

    public static Bucket bucketOf(Row r) {
        return bucket(r);
    }

    /** A gp_quota_bucket row read under its own column names. */
    static Bucket bucket(Row r) {
        return new Bucket(true, r.getLong("minute_window"), r.getLong("minute_used"), r.getInteger("day_window"),
                r.getLong("day_used"), r.getLong("tpm_window"), r.getLong("tpm_used"), r.getLong("cooldown_until_ms"),
                r.getInteger("exhausted_day"), r.getLong("learned_rpm"), r.getLong("learned_rpm_at_ms"),
                r.getLong("learned_rpd"), r.getLong("learned_rpd_at_ms"), r.getLong("learned_tpm"),
                r.getLong("learned_tpm_at_ms"), r.getInteger("rpm_probe_day"), r.getInteger("rpd_probe_day"),
                r.getInteger("tpm_probe_day"));
    }

    public Uni<Void> ensureBucket(long projectId, String quotaModel) {
        return pool.preparedQuery("INSERT IGNORE INTO gp_quota_bucket (project_id, model) VALUES (?, ?)")
                .execute(Tuple.of(projectId, quotaModel)).replaceWithVoid();
    }

    public Uni<Void> ensureBucket(SqlConnection c, long projectId, String quotaModel) {
        return c.preparedQuery("INSERT IGNORE INTO gp_quota_bucket (project_id, model) VALUES (?, ?)")
                .execute(Tuple.of(projectId, quotaModel)).replaceWithVoid();
    }

    /** One request reserved in the (project, quota model) bucket, or false when it has no room (nothing changed). */
    public Uni<Boolean> reserve(Reservation r) {
        return reserve(r, 1);
    }

    /**
     * {@code units} requests reserved at once (a block: one for this lease, the rest served from memory), or false
     * when they do not all fit (nothing changed). A block never probes above a provisional limit: with
     * {@code units} &gt; 1 the provisional flags are ignored, so only single reservations probe.
     */
    public Uni<Boolean> reserve(Reservation r, int units) {
        long m = r.minute();
        int d = r.day();
        boolean single = units == 1;
        Tuple args = Tuple.from(Arrays.asList(
                m, units, r.rpm(), d,
                d, units, r.rpd(), d,
                m, r.tokens(), r.tpm(), d,
                m, units, m,
                d, units, d,
                m, r.tokens(), m,
                r.projectId(), r.quotaModel(),
                m, d, m,
                m, units, r.rpm(), single && r.rpmProvisional(), d,
                d, units, r.rpd(), single && r.rpdProvisional(), d,
                m, r.tokens(), r.tpm(), single && r.tpmProvisional(), d,
                r.nowMs(), d, r.version(), r.version()));
        return pool.preparedQuery(RESERVE).execute(args).map(set -> set.rowCount() == 1);
    }

    public Uni<Void> insertLease(String id, String requestId, long keyId, long projectId, String model,
                                 String quotaModel, long minute, int day, long createdAtMs, long expiresAtMs,
                                 long estTokens, int probeMask) {
        return pool.preparedQuery("INSERT INTO gp_lease (id, request_id, key_id, project_id, model, quota_model,"
                        + " minute_window, day_window, created_at_ms, expires_at_ms, est_tokens, probe_mask)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(Tuple.from(Arrays.asList(id, requestId, keyId, projectId, model, quotaModel, minute, day,
                        createdAtMs, expiresAtMs, estTokens, probeMask)))
                .replaceWithVoid();
    }

    public Uni<LeaseRow> findLease(String id) {
        return pool.preparedQuery("SELECT id, key_id, project_id, model, COALESCE(quota_model, model) AS qm,"
                        + " minute_window, day_window, created_at_ms, expires_at_ms, outcome, est_tokens, probe_mask"
                        + " FROM gp_lease WHERE id = ?").execute(Tuple.of(id))
                .map(set -> {
                    var it = set.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row r = it.next();
                    return new LeaseRow(r.getString("id"), r.getLong("key_id"), r.getLong("project_id"),
                            r.getString("model"), r.getString("qm"), r.getLong("minute_window"),
                            r.getInteger("day_window"), r.getLong("created_at_ms"), r.getLong("expires_at_ms"),
                            r.getString("outcome"), r.getLong("est_tokens"), r.getInteger("probe_mask"));
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

    // ------------------------------------------------------------------ learning from Google's answers (design §3)

    /** The column prefix of a window in gp_quota_bucket / gp_limit_hint. */
    static String column(QuotaViolation.Window window) {
        return switch (window) {
            case RPM -> "rpm";
            case RPD -> "rpd";
            case TPM -> "tpm";
        };
    }

    /** This project's limit for one window, as Google named it (or -1: raised above a provisional value). */
    public Uni<Void> learn(SqlConnection c, long projectId, String quotaModel, QuotaViolation.Window window, long limit,
                           String source, long nowMs) {
        String col = "learned_" + column(window);
        return c.preparedQuery("INSERT INTO gp_quota_bucket (project_id, model, " + col + ", " + col + "_at_ms,"
                        + " learned_source) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " + col + " = VALUES(" + col
                        + "), " + col + "_at_ms = VALUES(" + col + "_at_ms), learned_source = VALUES(learned_source)")
                .execute(Tuple.from(Arrays.asList(projectId, quotaModel, limit, nowMs, truncate255(source))))
                .replaceWithVoid();
    }

    /** The hint siblings of the same tier use until they learn their own. */
    public Uni<Void> hint(SqlConnection c, String quotaModel, String tier, QuotaViolation.Window window, long limit,
                          long projectId, long nowMs) {
        String col = column(window);
        return c.preparedQuery("INSERT INTO gp_limit_hint (quota_model, tier, " + col + ", " + col + "_at_ms,"
                        + " from_project_id) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE " + col + " = VALUES(" + col
                        + "), " + col + "_at_ms = VALUES(" + col + "_at_ms), from_project_id = VALUES(from_project_id)")
                .execute(Tuple.from(Arrays.asList(quotaModel, tier, limit, nowMs, projectId))).replaceWithVoid();
    }

    public Uni<Void> setTier(SqlConnection c, long projectId, String tier) {
        return c.preparedQuery("UPDATE gp_project SET tier = ? WHERE id = ? AND (tier IS NULL OR tier <> ?)")
                .execute(Tuple.of(tier, projectId, tier)).replaceWithVoid();
    }

    /** Requests for {@code model} count in {@code quotaModel}'s buckets from now on. */
    public Uni<Void> mapQuotaModel(SqlConnection c, String model, String quotaModel, long nowMs) {
        return c.preparedQuery("INSERT INTO gp_quota_model (model, quota_model, learned_at_ms) VALUES (?, ?, ?)"
                        + " ON DUPLICATE KEY UPDATE quota_model = VALUES(quota_model), learned_at_ms = VALUES(learned_at_ms)")
                .execute(Tuple.of(model, quotaModel, nowMs)).replaceWithVoid();
    }

    /** The real prompt tokens replace the estimate in the token window the lease counted in (if still current). */
    public Uni<Void> correctTokens(SqlConnection c, long projectId, String quotaModel, long minute, long delta) {
        return c.preparedQuery("UPDATE gp_quota_bucket SET tpm_used = GREATEST(0, CAST(tpm_used AS SIGNED) + ?)"
                        + " WHERE project_id = ? AND model = ? AND tpm_window = ?")
                .execute(Tuple.of(delta, projectId, quotaModel, minute)).replaceWithVoid();
    }

    /** The whole project is skipped until {@code untilMs} (billing depleted). */
    public Uni<Void> blockProject(SqlConnection c, long projectId, long untilMs, String reason) {
        return c.preparedQuery("UPDATE gp_project SET blocked_until_ms = GREATEST(blocked_until_ms, ?),"
                        + " blocked_reason = ? WHERE id = ?")
                .execute(Tuple.of(untilMs, truncate(reason), projectId)).replaceWithVoid();
    }

    /** {@code model} answered "no longer available" for this project ({@code projectId} 0: for everyone). */
    public Uni<Void> retire(SqlConnection c, long projectId, String model, long nowMs, String message) {
        return c.preparedQuery("INSERT IGNORE INTO gp_model_retirement (project_id, model, since_ms, message)"
                        + " VALUES (?, ?, ?, ?)")
                .execute(Tuple.of(projectId, model, nowMs, truncate(message))).replaceWithVoid();
    }

    /** Every ACTIVE key of the project → BANNED (the project is dead); one audit row per key. */
    public Uni<Void> banProject(SqlConnection c, long projectId, String reason, long nowMs) {
        return c.preparedQuery("SELECT id FROM gp_key WHERE project_id = ? AND state = 'ACTIVE' FOR UPDATE")
                .execute(Tuple.of(projectId))
                .flatMap(set -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Row r : set) {
                        long keyId = r.getLong("id");
                        chain = chain.flatMap(v -> ban(c, keyId, reason, nowMs)).replaceWithVoid();
                    }
                    return chain;
                });
    }

    /** Closes leases past their expiry without an outcome; they keep counting. Returns how many. */
    public Uni<Integer> expireLeases(long nowMs) {
        return pool.preparedQuery("UPDATE gp_lease SET outcome = 'EXPIRED', settled_at_ms = ?"
                        + " WHERE outcome IS NULL AND expires_at_ms < ?")
                .execute(Tuple.of(nowMs, nowMs)).map(RowSet::rowCount);
    }

    static String truncate255(String s) {
        return s == null || s.length() <= 255 ? s : s.substring(0, 255);
    }

    static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }
}
