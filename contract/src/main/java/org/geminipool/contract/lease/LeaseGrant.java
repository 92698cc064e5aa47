package org.geminipool.contract.lease;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A leased key (keypool → gateway). {@code leaseId} is null for a quota-free lease (nothing to settle). {@code probe}:
 * the lease goes above a provisional limit, so its outcome decides that limit (settled before the answer goes out).
 * Never log {@code apiKey}: {@link #toString()} leaves it out.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseGrant(String leaseId, String keyId, String project, String apiKey, String model, String expiresAt,
                         boolean probe) {

    public LeaseGrant(String leaseId, String keyId, String project, String apiKey, String model, String expiresAt) {
        this(leaseId, keyId, project, apiKey, model, expiresAt, false);
    }

    @Override
    public String toString() {
        return "LeaseGrant[leaseId=" + leaseId + ", keyId=" + keyId + ", project=" + project + ", model=" + model + "]";
    }
}
