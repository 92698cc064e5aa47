package org.geminipool.gateway.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A leased key. {@code leaseId} is null for a quota-free lease (nothing to settle). Never log {@code apiKey}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LeaseGrant(String leaseId, String keyId, String project, String apiKey, String model, String expiresAt) {

    @Override
    public String toString() {
        return "LeaseGrant[leaseId=" + leaseId + ", keyId=" + keyId + ", project=" + project + ", model=" + model + "]";
    }
}
