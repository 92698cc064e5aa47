package org.geminipool.keypool.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.repository.KeySqlRepository;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The model quota table (defaults) and project overrides. */
@ApplicationScoped
public class QuotaService {

    static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    static final long MAX_LIMIT = 1_000_000_000L;

    public record QuotaBody(Long rpm, Long rpd, Long tpm) {
    }

    @Inject
    KeySqlRepository sql;
    @Inject
    TimeSource time;

    public Uni<Map<String, Object>> table() {
        return sql.modelQuotas().flatMap(defaults -> sql.projectQuotas().map(overrides -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("models", defaults);
            out.put("projectOverrides", overrides);
            return out;
        }));
    }

    public Uni<Map<String, Object>> putDefault(String model, QuotaBody body) {
        validate(model, body);
        Integer tpm = body.tpm() == null ? null : body.tpm().intValue();
        return sql.upsertModelQuota(model, body.rpm().intValue(), body.rpd().intValue(), tpm, time.nowMillis())
                .map(v -> view(model, body.rpm().intValue(), body.rpd().intValue(), tpm));
    }

    public Uni<Map<String, Object>> putProject(String project, String model, QuotaBody body) {
        validate(model, body);
        if (project == null || !KeyAdminService.PROJECT.matcher(project).matches()) {
            throw ApiException.badRequest("project must be 1-128 characters of [A-Za-z0-9._:/@-]");
        }
        Integer tpm = body.tpm() == null ? null : body.tpm().intValue();
        return sql.upsertProjectQuota(project, model, body.rpm().intValue(), body.rpd().intValue(), tpm,
                time.nowMillis()).map(v -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("project", project);
                    out.put("model", model);
                    out.put("rpm", body.rpm());
                    out.put("rpd", body.rpd());
                    out.put("tpm", tpm);
                    return out;
                });
    }

    static void validate(String model, QuotaBody body) {
        if (model == null || !MODEL.matcher(model).matches()) {
            throw ApiException.badRequest("model must be 1-128 characters of [A-Za-z0-9._:-]");
        }
        if (body == null || body.rpm() == null || body.rpd() == null) {
            throw ApiException.badRequest("rpm and rpd are required: {\"rpm\":N,\"rpd\":N,\"tpm\":N}");
        }
        for (var e : Map.of("rpm", body.rpm(), "rpd", body.rpd()).entrySet()) {
            check(e.getKey(), e.getValue());
        }
        if (body.tpm() != null) {
            check("tpm", body.tpm());
        }
    }

    private static void check(String field, long value) {
        if (value < 0 || value > MAX_LIMIT) {
            throw ApiException.badRequest(field + " must be between 0 and " + MAX_LIMIT);
        }
    }

    static Map<String, Object> view(String model, int rpm, int rpd, Integer tpm) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("rpm", rpm);
        m.put("rpd", rpd);
        m.put("tpm", tpm);
        return m;
    }
}
