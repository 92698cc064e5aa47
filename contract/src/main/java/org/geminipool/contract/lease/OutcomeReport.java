package org.geminipool.contract.lease;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code POST /leases/{leaseId}/outcome} (gateway → keypool): the {@link org.geminipool.contract.Outcome} name,
 * Google's wait, the real token counts, Google's message (scrubbed of keys) and the quota violations its 429 listed, so
 * the keypool learns the limits (design §3). Boxed, so the keypool's validation decides what is wrong.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutcomeReport(String outcome, Long retryAfterSeconds, Long promptTokens, Long completionTokens,
                            String reason, List<Violation> violations) {

    /** One QuotaFailure violation as the gateway read it (window RPM|RPD|TPM, limit, quota model, tier, quotaId). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Violation(String window, Long limit, String quotaModel, Boolean freeTier, String quotaId) {
    }

    public OutcomeReport(String outcome, Long retryAfterSeconds, Long promptTokens, Long completionTokens) {
        this(outcome, retryAfterSeconds, promptTokens, completionTokens, null, null);
    }
}
