package org.geminipool.keypool.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.quota.FamilyQuotas;
import org.geminipool.keypool.quota.Limit;
import org.geminipool.keypool.quota.WindowLimits;
import org.geminipool.keypool.repository.LeaseRepository;
import org.geminipool.keypool.repository.LimitsRepository;

import java.time.Instant;
import java.util.List;

/**
 * What limits are in force and why (design §3): every (project, quota model) with each window's limit, its source
 * (override, admin, learned, sibling, family, raised, unknown) and when it was learned; the learned ID → quota model
 * mappings; retired models; family defaults (editable); and clearing what was learned.
 */
@ApplicationScoped
public class LimitsService {

    public record WindowView(Long limit, String source, boolean provisional, String learnedAt) {
        static WindowView of(Limit l) {
            return new WindowView(l.value(), l.source().name(), l.provisional(),
                    l.learnedAtMs() == null ? null : Instant.ofEpochMilli(l.learnedAtMs()).toString());
        }
    }

    public record BucketView(String project, String quotaModel, String tier, WindowView rpm, WindowView rpd,
                             WindowView tpm, long usedThisMinute, long usedToday, long tokensThisMinute,
                             String cooldownUntil, boolean exhaustedToday, String blockedUntil) {
    }

    public record QuotaModelView(String model, String quotaModel, String learnedAt) {
    }

    public record RetiredView(String project, String model, String since, String message) {
    }

    public record LimitsView(List<BucketView> limits, List<QuotaModelView> quotaModels, List<RetiredView> retired,
                             List<FamilyQuotas.FamilyQuota> families) {
    }

    public record FamilyBody(Long rpm, Long rpd, Long tpm, String note) {
    }

    public record Cleared(int cleared) {
    }

    @Inject
    LimitsRepository repository;
    @Inject
    FamilyQuotas families;
    @Inject
    TimeSource time;

    public Uni<LimitsView> limits(String project, String model) {
        String p = name(project, "project", KeyAdminService.PROJECT);
        String m = name(model, "model", LeaseService.NAME);
        long now = time.nowMillis();
        long minute = TimeSource.minuteWindow(now);
        int day = TimeSource.dayWindow(now);
        return families.ensureLoaded().flatMap(v -> repository.buckets(p, m)).flatMap(buckets -> {
            List<BucketView> views = buckets.stream().map(c -> {
                WindowLimits l = LeaseService.limits(c, families.match(c.quotaModel()), now);
                LeaseRepository.Bucket b = c.bucket();
                return new BucketView(c.project(), c.quotaModel(), c.tier(), WindowView.of(l.rpm()),
                        WindowView.of(l.rpd()), WindowView.of(l.tpm()), b.minuteUsedIn(minute), b.dayUsedIn(day),
                        b.tokensUsedIn(minute), b.cooldownUntilMs() > now ? Instant.ofEpochMilli(b.cooldownUntilMs()).toString() : null,
                        b.exhaustedDay() == day,
                        c.blockedUntilMs() > now ? Instant.ofEpochMilli(c.blockedUntilMs()).toString() : null);
            }).toList();
            return repository.quotaModels().flatMap(qms -> repository.retirements().flatMap(rs -> families.all()
                    .map(fs -> new LimitsView(views,
                            qms.stream().map(q -> new QuotaModelView(q.model(), q.quotaModel(),
                                    Instant.ofEpochMilli(q.learnedAtMs()).toString())).toList(),
                            rs.stream().map(r -> new RetiredView(r.project(), r.model(),
                                    Instant.ofEpochMilli(r.sinceMs()).toString(), r.message())).toList(),
                            fs))));
        });
    }

    public Uni<Cleared> clearLearned(String project, String model) {
        return repository.clearLearned(name(project, "project", KeyAdminService.PROJECT),
                name(model, "model", LeaseService.NAME)).map(Cleared::new);
    }

    public Uni<Cleared> clearRetired(String project, String model) {
        return repository.clearRetirements(name(project, "project", KeyAdminService.PROJECT),
                name(model, "model", LeaseService.NAME)).map(Cleared::new);
    }

    public Uni<List<FamilyQuotas.FamilyQuota>> families() {
        return families.all();
    }

    public Uni<FamilyQuotas.FamilyQuota> putFamily(String pattern, FamilyBody body) {
        if (pattern == null || !FamilyQuotas.PATTERN.matcher(pattern).matches() || !pattern.contains("*")) {
            throw ApiException.badRequest("pattern must be 1-128 characters of [A-Za-z0-9._*-] with at least one *");
        }
        if (body == null || (body.rpm() == null && body.rpd() == null && body.tpm() == null)) {
            throw ApiException.badRequest("at least one of rpm, rpd, tpm is required: {\"rpm\":N,\"rpd\":N,\"tpm\":N}");
        }
        for (Long v : new Long[]{body.rpm(), body.rpd(), body.tpm()}) {
            if (v != null && (v < 0 || v > QuotaService.MAX_LIMIT)) {
                throw ApiException.badRequest("limits must be between 0 and " + QuotaService.MAX_LIMIT);
            }
        }
        String note = body.note() == null ? null : LeaseService.LeaseRepositoryText.clip(body.note());
        return families.put(pattern, body.rpm(), body.rpd(), body.tpm(), note, time.nowMillis())
                .map(v -> new FamilyQuotas.FamilyQuota(pattern, body.rpm(), body.rpd(), body.tpm(), note));
    }

    public Uni<Void> deleteFamily(String pattern) {
        if (pattern == null || !FamilyQuotas.PATTERN.matcher(pattern).matches()) {
            throw ApiException.notFound("unknown family pattern");
        }
        return families.delete(pattern).map(found -> {
            if (!found) {
                throw ApiException.notFound("unknown family pattern " + pattern);
            }
            return null;
        });
    }

    private static String name(String value, String what, java.util.regex.Pattern pattern) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (!pattern.matcher(v).matches()) {
            throw ApiException.badRequest(what + " must be 1-128 characters of " + pattern.pattern());
        }
        return v.startsWith("models/") ? v.substring(7) : v;
    }
}
