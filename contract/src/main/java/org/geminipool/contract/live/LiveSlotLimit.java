package org.geminipool.contract.live;

/** The keypool's answer to a refusal: the project's concurrent-session limit now in force (learned or default). */
public record LiveSlotLimit(String project, int sessionLimit, boolean learned) {
}
