package org.geminipool.contract.live;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code POST /live-sessions/{id}/refused} (gateway → keypool): Google closed the session before {@code setupComplete}.
 * {@code reason} {@link #SESSION_LIMIT} (close 1011 with Google's quota text) makes the keypool learn the project's
 * concurrent-session limit = the sessions it had open besides this one; any other reason only frees the slot. The
 * lease is settled separately, with its outcome. {@code message} is Google's close reason (scrubbed of keys).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LiveSlotRefusal(String reason, String message) {

    public static final String SESSION_LIMIT = "SESSION_LIMIT";
    public static final String OTHER = "OTHER";
}
