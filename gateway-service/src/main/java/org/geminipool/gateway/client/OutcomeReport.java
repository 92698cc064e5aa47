package org.geminipool.gateway.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.geminipool.common.upstream.Classification;
import org.geminipool.common.upstream.QuotaViolation;

import java.util.List;

/**
 * {@code POST /leases/{leaseId}/outcome}: the outcome, Google's wait, the real token counts, Google's message (scrubbed
 * of keys) and the quota violations its 429 listed, so the keypool learns the limits (design §3).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutcomeReport(String outcome, Integer retryAfterSeconds, Integer promptTokens, Integer completionTokens,
                            String reason, List<Violation> violations) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Violation(String window, Long limit, String quotaModel, boolean freeTier, String quotaId) {
    }

    public OutcomeReport(String outcome, Integer retryAfterSeconds, Integer promptTokens, Integer completionTokens) {
        this(outcome, retryAfterSeconds, promptTokens, completionTokens, null, null);
    }

    public static OutcomeReport of(Classification c, Integer promptTokens, Integer completionTokens) {
        List<Violation> violations = c.violations().isEmpty() ? null : c.violations().stream()
                .map(OutcomeReport::violation).toList();
        String reason = c.message() == null ? null
                : c.message().length() <= 300 ? c.message() : c.message().substring(0, 300);
        return new OutcomeReport(c.outcome().name(), c.retryAfterSeconds(), promptTokens, completionTokens, reason,
                violations);
    }

    private static Violation violation(QuotaViolation v) {
        return new Violation(v.window().name(), v.limit(), v.quotaModel(), v.freeTier(), v.quotaId());
    }
}
