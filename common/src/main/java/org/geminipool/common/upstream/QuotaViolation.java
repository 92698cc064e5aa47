package org.geminipool.common.upstream;

/**
 * One {@code QuotaFailure} violation of a Google 429, read into what the keypool learns from it (design §3): the
 * window ({@code quotaId} PerMinute / PerDay / InputTokens…PerMinute), the limit ({@code quotaValue}, or the
 * {@code limit: N} of the message when it is absent; null when neither says), the quota model
 * ({@code quotaDimensions.model}, which can be a family name other than the requested ID), and the tier the quotaId
 * names ({@code …-FreeTier} or paid).
 */
public record QuotaViolation(Window window, Long limit, String quotaModel, boolean freeTier, String quotaId) {

    public enum Window { RPM, RPD, TPM }
}
