package org.geminipool.contract.lease;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code POST /leases} (gateway → keypool). {@code pool} null = any pool serving the model, except keys in one of
 * {@code excludePools} (the route table's paid pools, so direct requests never spend a paid key; ignored when
 * {@code pool} is set); {@code quotaFree} = a key for a call that costs no quota; {@code estimatedTokens} = the
 * request's estimated prompt tokens, reserved in the input-tokens-per-minute window; {@code project} (optional) =
 * only keys of this Google project (a call naming an object that project created: a file, a cache, a batch).
 * Boxed, so the keypool's validation
 * (not the JSON binder) decides what is missing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeaseRequest(String pool, String model, String requestId, Boolean quotaFree, List<String> excludePools,
                           Long estimatedTokens, String project) {

    public LeaseRequest(String pool, String model, String requestId, boolean quotaFree) {
        this(pool, model, requestId, quotaFree, null, null, null);
    }

    public LeaseRequest(String pool, String model, String requestId, boolean quotaFree, List<String> excludePools,
                        Long estimatedTokens) {
        this(pool, model, requestId, quotaFree, excludePools, estimatedTokens, null);
    }
}
