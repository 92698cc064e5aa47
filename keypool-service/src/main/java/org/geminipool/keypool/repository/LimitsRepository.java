package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.KeyState;

import java.util.ArrayList;
import java.util.List;

/** The admin view of limits: every (project, quota model) bucket with what each source says, mappings, retirements. */
@ApplicationScoped
public class LimitsRepository {

    public record QuotaModelRow(String model, String quotaModel, long learnedAtMs) {
    }

    public record RetirementRow(String project, String model, long sinceMs, String message) {
    }

    @Inject
    Pool pool;

    /**
     * Buckets as lease candidates (without key fields), so the same resolution applies. Admin rows and overrides are
     * matched on the bucket's model (the quota model).
     */
    public Uni<List<LeaseRepository.Candidate>> buckets(String project, String model) {
        StringBuilder sql = new StringBuilder("SELECT b.project_id, p.name, p.tier, p.blocked_until_ms, b.model,"
                + " pq.rpm AS pq_rpm, pq.rpd AS pq_rpd, pq.tpm AS pq_tpm, mq.rpm AS mq_rpm, mq.rpd AS mq_rpd,"
                + " mq.tpm AS mq_tpm, h.rpm AS h_rpm, h.rpm_at_ms AS h_rpm_at, h.rpd AS h_rpd, h.rpd_at_ms AS h_rpd_at,"
                + " h.tpm AS h_tpm, h.tpm_at_ms AS h_tpm_at, b.minute_window, b.minute_used, b.day_window, b.day_used,"
                + " b.tpm_window, b.tpm_used, b.cooldown_until_ms, b.exhausted_day, b.learned_rpm, b.learned_rpm_at_ms,"
                + " b.learned_rpd, b.learned_rpd_at_ms, b.learned_tpm, b.learned_tpm_at_ms, b.rpm_probe_day,"
                + " b.rpd_probe_day, b.tpm_probe_day, b.learned_source"
                + " FROM gp_quota_bucket b JOIN gp_project p ON p.id = b.project_id"
                + " LEFT JOIN gp_project_quota pq ON pq.project_id = b.project_id AND pq.model = b.model"
                + " LEFT JOIN gp_model_quota mq ON mq.model = b.model"
                + " LEFT JOIN gp_limit_hint h ON h.quota_model = b.model AND h.tier = COALESCE(p.tier, 'FREE')"
                + " WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (project != null) {
            sql.append(" AND p.name = ?");
            args.add(project);
        }
        if (model != null) {
            sql.append(" AND b.model = ?");
            args.add(model);
        }
        sql.append(" ORDER BY p.name, b.model LIMIT 10000");
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).map(set -> {
            List<LeaseRepository.Candidate> out = new ArrayList<>();
            for (Row r : set) {
                var bucket = LeaseRepository.bucket(r);
                out.add(new LeaseRepository.Candidate(0, r.getLong("project_id"), r.getString("name"), KeyState.ACTIVE,
                        null, r.getString("tier"), r.getLong("blocked_until_ms"), r.getString("model"), false,
                        r.getLong("pq_rpm"), r.getLong("pq_rpd"), r.getLong("pq_tpm"), r.getLong("mq_rpm"),
                        r.getLong("mq_rpd"), r.getLong("mq_tpm"), r.getLong("h_rpm"), r.getLong("h_rpm_at"),
                        r.getLong("h_rpd"), r.getLong("h_rpd_at"), r.getLong("h_tpm"), r.getLong("h_tpm_at"), bucket));
            }
            return out;
        });
    }

    public Uni<List<QuotaModelRow>> quotaModels() {
        return pool.query("SELECT model, quota_model, learned_at_ms FROM gp_quota_model ORDER BY model LIMIT 10000")
                .execute().map(set -> {
                    List<QuotaModelRow> out = new ArrayList<>();
                    set.forEach(r -> out.add(new QuotaModelRow(r.getString("model"), r.getString("quota_model"),
                            r.getLong("learned_at_ms"))));
                    return out;
                });
    }

    public Uni<List<RetirementRow>> retirements() {
        return pool.query("SELECT p.name, r.model, r.since_ms, r.message FROM gp_model_retirement r"
                        + " LEFT JOIN gp_project p ON p.id = r.project_id ORDER BY r.model, p.name LIMIT 10000")
                .execute().map(set -> {
                    List<RetirementRow> out = new ArrayList<>();
                    set.forEach(r -> out.add(new RetirementRow(r.getString("name"), r.getString("model"),
                            r.getLong("since_ms"), r.getString("message"))));
                    return out;
                });
    }

    /** Forgets what was learned (for one project and/or one quota model, or everything); returns buckets touched. */
    public Uni<Integer> clearLearned(String project, String model) {
        List<Object> args = new ArrayList<>();
        String where = projectAndModel(project, model, args);
        String hints = "DELETE FROM gp_limit_hint" + (model != null ? " WHERE quota_model = ?" : "");
        return ChangeCounter.inTransaction(pool, c -> c.preparedQuery("UPDATE gp_quota_bucket SET learned_rpm = NULL,"
                        + " learned_rpm_at_ms = NULL, learned_rpd = NULL, learned_rpd_at_ms = NULL, learned_tpm = NULL,"
                        + " learned_tpm_at_ms = NULL, learned_source = NULL, rpm_probe_day = -1, rpd_probe_day = -1,"
                        + " tpm_probe_day = -1" + where).execute(Tuple.from(args))
                .flatMap(set -> (project == null
                        ? c.preparedQuery(hints).execute(model == null ? Tuple.tuple() : Tuple.of(model)).replaceWithVoid()
                        : Uni.createFrom().voidItem()).map(v -> set.rowCount())));
    }

    /** Forgets retirements (for one project and/or one model, or all); returns rows removed. */
    public Uni<Integer> clearRetirements(String project, String model) {
        List<Object> args = new ArrayList<>();
        String sql = "DELETE FROM gp_model_retirement" + projectAndModel(project, model, args);
        return ChangeCounter.inTransaction(pool, c -> c.preparedQuery(sql).execute(Tuple.from(args))
                .map(set -> set.rowCount()));
    }

    /** {@code WHERE} narrowing to a project (by name) and/or a model; the values are appended to {@code args}. */
    private static String projectAndModel(String project, String model, List<Object> args) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (project != null) {
            where.append(" AND project_id = (SELECT id FROM gp_project WHERE name = ?)");
            args.add(project);
        }
        if (model != null) {
            where.append(" AND model = ?");
            args.add(model);
        }
        return where.toString();
    }

    /** Gauge: how many (project or everyone, model) pairs are retired. */
    public Uni<Long> retiredCount() {
        return pool.query("SELECT COUNT(*) FROM gp_model_retirement").execute()
                .map(set -> set.iterator().next().getLong(0));
    }
}
