package org.geminipool.gateway.live;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.affinity.Affinity;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.metrics.LiveMetrics;
import org.geminipool.gateway.quota.KeyLeases;
import org.geminipool.gateway.routing.FamilyResolver;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.usage.UsageShipper;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Live sessions this gateway relays: the collaborators each {@link LiveSession} uses, the upstream WebSocket
 * client, the cap of open sessions per client token ({@code GEMINI_POOL_LIVE_SESSIONS_PER_TOKEN}, per gateway replica),
 * and the heartbeat that keeps every open session's keypool slot alive (one call for all of them).
 */
@ApplicationScoped
public class LiveSessions {

    private static final Logger LOG = Logger.getLogger(LiveSessions.class);
    /** How often the heartbeat task looks whether a beat is due. */
    static final long TICK_MS = 2000;

    @Inject
    Vertx vertx;
    @Inject
    GatewayConfig config;
    @Inject
    LiveSlotClient slots;
    @Inject
    KeyLeases leases;
    @Inject
    Affinity affinity;
    @Inject
    RouteTable routes;
    @Inject
    FamilyResolver families;
    @Inject
    UsageShipper usage;
    @Inject
    LiveMetrics metrics;

    private WebSocketClient upstream;
    private final Set<LiveSession> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> perToken = new ConcurrentHashMap<>();
    private volatile long heartbeatMs = 20_000;
    private volatile long lastBeat = System.currentTimeMillis();
    private long timer = -1;

    @PostConstruct
    void init() {
        int frame = (int) Math.min(Integer.MAX_VALUE, config.live().maxFrameSize().asLongValue());
        upstream = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(frame).setMaxMessageSize((int) Math.min(Integer.MAX_VALUE, 4L * frame))
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.upstreamConnectTimeout().toMillis()))
                .setMaxConnections(100_000).setTcpNoDelay(true).setTryUsePerMessageCompression(false));
        timer = vertx.setPeriodic(TICK_MS, id -> beat());
    }

    @PreDestroy
    void shutdown() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        for (LiveSession s : new ArrayList<>(open)) {
            s.shutdown();
        }
        upstream.close();
    }

    // Accessors: a LiveSession holds the client proxy of this bean, whose fields it cannot read.
    Vertx vertx() {
        return vertx;
    }
    GatewayConfig config() {
        return config;
    }
    LiveSlotClient slots() {
        return slots;
    }
    KeyLeases leases() {
        return leases;
    }
    Affinity affinity() {
        return affinity;
    }
    RouteTable routes() {
        return routes;
    }
    FamilyResolver families() {
        return families;
    }
    UsageShipper usage() {
        return usage;
    }
    LiveMetrics metrics() {
        return metrics;
    }

    WebSocketClient upstream() {
        return upstream;
    }

    /** Takes one of the token's session places; false when it holds {@code sessionsPerToken} already. */
    boolean acquire(String tokenId) {
        AtomicInteger n = perToken.computeIfAbsent(tokenId, k -> new AtomicInteger());
        if (n.incrementAndGet() > config.live().sessionsPerToken()) {
            n.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseToken(String tokenId) {
        AtomicInteger n = perToken.get(tokenId);
        if (n != null && n.decrementAndGet() <= 0) {
            perToken.remove(tokenId, n);
        }
    }

    void opened(LiveSession s, long heartbeatSeconds) {
        open.add(s);
        heartbeatMs = Math.max(1000, Math.min(heartbeatMs, heartbeatSeconds * 1000));
        metrics.opened();
    }

    void closed(LiveSession s) {
        if (open.remove(s)) {
            metrics.closed();
        }
    }

    /** Sessions relayed now (tests, console). */
    public int openSessions() {
        return open.size();
    }

    private void beat() {
        long now = System.currentTimeMillis();
        if (now - lastBeat < heartbeatMs || open.isEmpty()) {
            return;
        }
        lastBeat = now;
        List<String> ids = new ArrayList<>();
        for (LiveSession s : open) {
            String id = s.slotId();
            if (id != null) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        slots.heartbeat(ids).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warnf("Live slot heartbeat of %d sessions not delivered: %s", ids.size(), ar.cause().toString());
            } else if (ar.result() < ids.size()) {
                LOG.warnf("keypool knew %d of %d Live session slots this gateway holds", ar.result(), ids.size());
            }
        });
    }
}
