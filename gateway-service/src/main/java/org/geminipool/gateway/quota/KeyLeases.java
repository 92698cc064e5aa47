package org.geminipool.gateway.quota;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.geminipool.gateway.quota.KeypoolClient;
import org.geminipool.gateway.quota.LeaseAnswer;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.lease.OutcomeReport;
import org.geminipool.common.upstream.Classification;
import org.geminipool.common.upstream.QuotaViolation;
import org.geminipool.gateway.upstream.TokenUsage;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The attempt loop's view of the keypool: bounded in time, and never failing — a keypool that does not answer becomes
 * {@link LeaseAnswer.Unavailable} (the loop answers 503 in the route's protocol), a lost outcome is logged (the lease
 * expires and still counts, design §3).
 */
@ApplicationScoped
public class KeyLeases {

    private static final Logger LOG = Logger.getLogger(KeyLeases.class);

    @Inject
    KeypoolClient keypool;

    @Timeout(4000)
    @Fallback(fallbackMethod = "keypoolUnavailable")
    public Uni<LeaseAnswer> lease(LeaseRequest request) {
        return keypool.lease(request);
    }

    Uni<LeaseAnswer> keypoolUnavailable(LeaseRequest request, Throwable cause) {
        return Uni.createFrom().item(new LeaseAnswer.Unavailable(cause.getClass().getSimpleName() + ": "
                + cause.getMessage()));
    }

    @Timeout(4000)
    @Fallback(fallbackMethod = "outcomeLost")
    public Uni<Void> report(String leaseId, OutcomeReport report) {
        return keypool.reportOutcome(leaseId, report);
    }

    Uni<Void> outcomeLost(String leaseId, OutcomeReport report, Throwable cause) {
        LOG.warnf("outcome %s of lease %s not delivered (%s); the lease will expire", report.outcome(), leaseId,
                cause.toString());
        return Uni.createFrom().voidItem();
    }

    /** The outcome report of one classified answer: Google's message cut to 300 characters, its violations. */
    public static OutcomeReport reportOf(Classification c, TokenUsage tokens) {
        List<OutcomeReport.Violation> violations = c.violations().isEmpty() ? null : c.violations().stream()
                .map(KeyLeases::violation).toList();
        String reason = c.message() == null ? null
                : c.message().length() <= 300 ? c.message() : c.message().substring(0, 300);
        Long retryAfter = c.retryAfterSeconds() == null ? null : c.retryAfterSeconds().longValue();
        return new OutcomeReport(c.outcome().name(), retryAfter, tokens.promptTokens(), tokens.completionTokens(),
                reason, violations);
    }

    private static OutcomeReport.Violation violation(QuotaViolation v) {
        return new OutcomeReport.Violation(v.window().name(), v.limit(), v.quotaModel(), v.freeTier(), v.quotaId());
    }
}
