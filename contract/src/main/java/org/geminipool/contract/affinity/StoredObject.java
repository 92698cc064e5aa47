package org.geminipool.contract.affinity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One object a call through the pool created at Google (design §2, affinity): its name as Google names it
 * ({@code files/abc}, {@code cachedContents/x}, {@code batches/x}, {@code interactions/x},
 * {@code models/veo-3.1-generate-preview/operations/x}, {@code fileSearchStores/x}; a resumable upload is
 * {@code uploads/<upload_id>}), its {@link ObjectKind}, the key (and so the project) that created it, the client token id
 * that owns it (the gateway's 16-hex token id, never a token) and when it expires (ISO-8601 instant).
 *
 * <p>{@code POST /objects} (gateway → keypool) sends it with {@code project} null (the keypool knows the key's project);
 * lookups and lists answer it with {@code project} set.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredObject(String name, String kind, String keyId, String project, String owner, String expiresAt) {
}
