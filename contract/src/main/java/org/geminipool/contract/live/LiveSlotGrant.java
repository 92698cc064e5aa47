package org.geminipool.contract.live;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.geminipool.contract.lease.LeaseGrant;

/**
 * The keypool's answer to {@link LiveSlotRequest}: the slot's id, the lease of the key to open the session with
 * (settled like any lease: the setup is one request), the project's session limit in force and its open sessions
 * counting this one, and how often the gateway must heartbeat the slot before {@code expiresAt} (ISO-8601) passes — a
 * slot not heartbeaten expires, so a crashed gateway's sessions free their project's slots by themselves.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LiveSlotGrant(String sessionId, LeaseGrant lease, int sessionLimit, int openSessions,
                           long heartbeatSeconds, String expiresAt) {
}
