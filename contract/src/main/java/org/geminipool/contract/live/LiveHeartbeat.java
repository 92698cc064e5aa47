package org.geminipool.contract.live;

import java.util.List;

/**
 * {@code POST /live-sessions/heartbeat} (gateway → keypool): the slots of the sessions this gateway still relays, kept
 * open for another slot lifetime; answered with how many the keypool still knew ({@code renewed}).
 */
public record LiveHeartbeat(List<String> sessionIds) {

    /** The answer. */
    public record Renewed(int renewed) {
    }
}
