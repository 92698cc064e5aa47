package org.geminipool.gateway.quota;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.common.upstream.Classification;
import org.geminipool.common.upstream.QuotaViolation;
import org.geminipool.contract.Outcome;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.lease.OutcomeBatch;
import org.geminipool.contract.lease.OutcomeReport;
import org.geminipool.gateway.upstream.TokenUsage;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The attempt loop's view of the keypool: never failing — a keypool that does not answer becomes
 * {@link LeaseAnswer.Unavailable} (the loop answers 503 in the route's protocol), a lost outcome is logged (the lease
 * expires and still counts, design §3). SUCCESS outcomes of ordinary leases are batched ({@link OutcomeBatcher});
 * everything that changes a key's, a project's or a limit's state, and every probe, is sent at once.
 */
@ApplicationScoped
public class KeyLeases {

    private static final Logger LOG = Logger.getLogger(KeyLeases.class);

    @Inject
    KeypoolClient keypool;

    @Inject
    OutcomeBatcher batcher;

    public Uni<LeaseAnswer> lease(LeaseRequest request) {
        return Uni.createFrom().completionStage(() -> keypool.lease(request).toCompletionStage());
    }

    /** Completes when the keypool has the outcome — at once for a batched success. */
    public Uni<Void> report(LeaseGrant lease, OutcomeReport report) {
        if (Outcome.SUCCESS.name().equals(report.outcome()) && !lease.probe()) {
            batcher.add(new OutcomeBatch.Entry(lease.leaseId(), report));
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(() -> keypool.outcome(lease.leaseId(), report)
                .recover(cause -> {
                    LOG.warnf("outcome %s of lease %s not delivered (%s); the lease will expire", report.outcome(),
                            lease.leaseId(), cause.toString());
                    return io.vertx.core.Future.succeededFuture();
                }).toCompletionStage());
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
