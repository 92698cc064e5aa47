package org.geminipool.gateway.client;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code POST /leases}: pool null = any pool serving the model, except keys in one of {@code excludePools} (the paid
 * pools of the route table, so direct requests never spend a paid key); quotaFree = a key for a call that costs no
 * quota; estimatedTokens = the request's estimated prompt tokens, reserved in the input-tokens-per-minute window.
 */
public record LeaseRequest(String pool, String model, String requestId, boolean quotaFree,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<String> excludePools,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Long estimatedTokens) {

    public LeaseRequest(String pool, String model, String requestId, boolean quotaFree) {
        this(pool, model, requestId, quotaFree, null, null);
    }
}
