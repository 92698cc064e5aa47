package org.geminipool.contract.live;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * {@code POST /live-sessions} (gateway → keypool): open one Live API session slot (gemini-api-2026.md §10) and lease a
 * key of a project that still has a free slot for it. Google limits Live sessions by how many are open at once per
 * project, so the keypool holds the open slots of every gateway replica in its database. {@code pool} null = any
 * pool serving the model but {@code excludePools}; {@code project} (optional) = only that project (a resumed session
 * or an ephemeral token pins its project); {@code excludeProjects} = projects this setup already tried (they refused
 * it); {@code owner} = the client token id (16 hex), never a token. Boxed, so the keypool's validation decides.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LiveSlotRequest(String pool, String model, String requestId, List<String> excludePools, String project,
                              List<String> excludeProjects, String owner) {
}
