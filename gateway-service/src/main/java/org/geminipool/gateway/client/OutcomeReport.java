package org.geminipool.gateway.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code POST /leases/{leaseId}/outcome}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutcomeReport(String outcome, Integer retryAfterSeconds, Integer promptTokens, Integer completionTokens) {
}
