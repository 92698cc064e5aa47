package org.geminipool.contract.affinity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One stored object as the admin sees it (keypool {@code GET /admin/objects}, the console's Objects page): its name,
 * {@link ObjectKind}, the project and key id that created it, the owning client token id (the gateway's 16-hex token
 * id, never a token; never a key either), and when it was recorded and expires (ISO-8601 instants).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PinnedObject(String name, String kind, String project, String keyId, String owner, String createdAt,
                           String expiresAt) {
}
