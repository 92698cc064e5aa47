package org.geminipool.simulator.internal;

/** Requests per minute and per (Pacific) day for one model; {@code tpm} is not simulated. */
public record Quota(int rpm, int rpd) {
}
