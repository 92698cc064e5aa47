package org.geminipool.gateway.client;

/** {@code POST /leases}: pool null = any pool serving the model; quotaFree = a key for a call that costs no quota. */
public record LeaseRequest(String pool, String model, String requestId, boolean quotaFree) {
}
