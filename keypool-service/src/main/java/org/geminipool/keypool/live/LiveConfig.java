package org.geminipool.keypool.live;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the Live session slots (keypool README, "Live sessions"); env variables in application.properties. */
@ConfigMapping(prefix = "gemini-pool.live")
public interface LiveConfig {

    /**
     * GEMINI_POOL_LIVE_DEFAULT_SESSIONS: concurrent Live sessions a project may hold while no limit is learned for it
     * (Google publishes none per tier; its refusal teaches the real one).
     */
    @WithDefault("3")
    int defaultSessions();

    /**
     * GEMINI_POOL_LIVE_SLOT_TTL: how long a slot stays open without a heartbeat; the gateway heartbeats every third of
     * it, so a crashed gateway's slots are free again after at most this.
     */
    @WithDefault("60s")
    Duration slotTtl();
}
