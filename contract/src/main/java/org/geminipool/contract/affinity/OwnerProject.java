package org.geminipool.contract.affinity;

/**
 * {@code GET /objects/project?owner=}: the project of the owner's newest live object (null when it has none) — where
 * the gateway steers the owner's next create that names no object (gateway README "Affinity", steering of creates).
 */
public record OwnerProject(String project) {
}
