package org.geminipool.gateway.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import org.geminipool.common.upstream.Classification;
import org.geminipool.common.upstream.UpstreamErrorClassifier;
import org.geminipool.contract.ApiKeys;
import org.geminipool.contract.Outcome;
import org.geminipool.contract.live.LiveObjects;
import org.geminipool.contract.live.LiveSlotGrant;
import org.geminipool.contract.live.LiveSlotRefusal;
import org.geminipool.contract.live.LiveSlotRequest;
import org.geminipool.contract.usage.UsageEvent;
import org.geminipool.gateway.affinity.Affinity;
import org.geminipool.gateway.quota.KeyLeases;
import org.geminipool.gateway.routing.OperationKind;
import org.geminipool.gateway.routing.RequestTraits;
import org.geminipool.gateway.routing.RouteDecision;
import org.geminipool.gateway.routing.Routes;
import org.geminipool.gateway.routing.Target;
import org.geminipool.gateway.upstream.TokenUsage;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's Live session through the pool (gateway README, "Live API"). Runs on the client connection's event loop.
 *
 * <ol>
 *   <li><b>Setup</b>: the first message is read (at most {@link #MAX_SETUP_BYTES}) and parsed ({@link LiveSetup}); the
 *   client is paused from then on, so nothing it sends next is read before Google is ready (nothing is buffered here).
 *   A resumption handle or an ephemeral token pins its project (affinity).</li>
 *   <li><b>Attempts</b>: the model is routed like any request; per target a keypool slot is taken with a leased key
 *   ({@link LiveSlotClient}), the upstream WebSocket opened with that key (the client's token never goes up) and the
 *   setup sent with the target's model. Google's close before {@code setupComplete} is classified
 *   ({@link LiveCloses}), settled on the lease (a bad key is banned before the next lease), reported to the slot (a
 *   session-limit refusal teaches the project's limit) and retried on another project, bounded like any request.</li>
 *   <li><b>Relay</b>: after {@code setupComplete} frames pass both ways as they came (type and fragmentation kept),
 *   with back-pressure: a side whose write queue is full pauses the other until it drains. Google's messages are
 *   read only for {@code usageMetadata} (summed into the session's one usage event) and
 *   {@code sessionResumptionUpdate.newHandle} (pinned to the project); {@code goAway} passes as it is. Google's close
 *   goes to the client with its code and reason; the client's close closes Google's side.</li>
 * </ol>
 */
final class LiveSession {

    private static final Logger LOG = Logger.getLogger(LiveSession.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_SETUP_BYTES = 1024 * 1024;
    /** Google's messages larger than this are relayed without being read for usage or handles. */
    static final int MAX_INSPECT_BYTES = 256 * 1024;
    static final String ROUTE = "live";

    private enum State { SETUP, CONNECTING, OPEN, CLOSED }

    private final LiveSessions pool;
    private final ServerWebSocket client;
    private final String method;
    private final boolean constrained;
    private final String ephemeralToken;
    private String tokenId;
    private final MultiMap clientHeaders;
    private final String requestId = org.geminipool.contract.RandomIds.uuid();
    private final long started = System.nanoTime();

    private State state = State.SETUP;
    private boolean tokenHeld;
    private Buffer setupBytes = Buffer.buffer();
    private LiveSetup.Setup setup;
    private String pinnedProject;
    private String pinnedBy;
    private String route;
    private List<Target> targets = List.of();
    private int targetIndex;
    private Target target;
    private int attempts;
    private int upstreamErrors;
    private final List<String> excludeProjects = new ArrayList<>();
    private LiveSlotClient.Opened.Refused lastRefusal;

    private LiveSlotGrant slot;
    private boolean slotOpen;
    private boolean leaseSettled;
    private WebSocket upstream;
    private Buffer pendingUp;
    private WebSocketFrameType pendingUpType;
    private boolean upstreamMessageStart = true;
    private Buffer inspect;

    private long lastActivity = System.currentTimeMillis();
    private long idleTimer = -1;
    private long prompt;
    private long response;
    private long thoughts;
    private boolean sawUsage;

    LiveSession(LiveSessions pool, ServerWebSocket client, String method, String tokenId, String ephemeralToken,
                MultiMap headers) {
        this.pool = pool;
        this.client = client;
        this.method = method;
        this.constrained = method.endsWith("Constrained");
        this.tokenId = tokenId;
        this.ephemeralToken = ephemeralToken;
        this.clientHeaders = headers;
    }

    String slotId() {
        return state == State.OPEN && slot != null ? slot.sessionId() : null;
    }

    void start() {
        client.frameHandler(this::clientFrame);
        client.closeHandler(v -> clientGone());
        client.exceptionHandler(e -> LOG.debugf("[%s] client socket: %s", requestId, e.toString()));
        long idle = Math.max(1, pool.config().live().idleTimeout().toMillis());
        idleTimer = pool.vertx().setPeriodic(Math.max(200, Math.min(5000, idle / 4)), id -> {
            if (System.currentTimeMillis() - lastActivity > idle) {
                pool.metrics().result("idle");
                closeAll((short) 1001, "gemini-pool: the session was idle for more than " + idle / 1000
                        + " s (GEMINI_POOL_LIVE_IDLE_TIMEOUT)");
            }
        });
    }

    // ------------------------------------------------------------------ client side

    private void clientFrame(WebSocketFrame f) {
        if (!isData(f)) {
            return;
        }
        lastActivity = System.currentTimeMillis();
        if (state == State.SETUP) {
            setupFrame(f);
        } else if (state == State.OPEN && upstream != null) {
            pool.metrics().up(f.binaryData().length());
            relay(client, upstream, f);
        }
        // CONNECTING: the client is paused; frames Vert.x had already read before the pause are held by it
    }

    private void setupFrame(WebSocketFrame f) {
        if (setupBytes.length() + f.binaryData().length() > MAX_SETUP_BYTES) {
            refuseClient((short) 1009, "gemini-pool: the setup message is larger than " + MAX_SETUP_BYTES + " bytes",
                    "bad_setup");
            return;
        }
        setupBytes.appendBuffer(f.binaryData());
        if (!f.isFinal()) {
            return;
        }
        client.pause();
        state = State.CONNECTING;
        try {
            setup = LiveSetup.parse(setupBytes.getBytes(), null);
        } catch (LiveSetup.Refused e) {
            refuseClient(e.code(), e.getMessage(), "bad_setup");
            return;
        }
        setupBytes = null;
        pin();
    }

    /** The project a resumption handle or an ephemeral token binds the session to (affinity), then routing. */
    private void pin() {
        List<String> names = new ArrayList<>();
        if (ephemeralToken != null) {
            names.add(LiveObjects.authToken(ephemeralToken));
        }
        if (setup.handle() != null) {
            names.add(LiveObjects.handle(setup.handle()));
        }
        if (names.isEmpty()) {
            route();
            return;
        }
        // An ephemeral token is its own capability (the browser that holds it has no pool token): its owner is taken.
        String owner = ephemeralToken != null ? null : tokenId;
        var ctx = io.vertx.core.Vertx.currentContext();
        pool.affinity().pin(names, owner).subscribe().with(pin -> ctx.runOnContext(v -> pinned(pin)),
                e -> ctx.runOnContext(v -> refuseClient((short) 1011, "gemini-pool: the key pool is unavailable;"
                        + " retry shortly", "keypool_unavailable")));
    }

    private void pinned(Affinity.Pin pin) {
        if (state == State.CLOSED) {
            return;
        }
        if (pin instanceof Affinity.Pin.Refused) {
            refuseClient((short) 1008, ephemeralToken != null
                    ? "gemini-pool: this auth token was not minted through this pool, or it expired"
                    : "gemini-pool: this session handle was not issued through this pool for this token, or expired",
                    "unknown_object");
            return;
        }
        if (pin instanceof Affinity.Pin.Project p) {
            pinnedProject = p.project();
            pinnedBy = ephemeralToken != null ? "auth token" : "session handle";
            if (ephemeralToken != null) {
                tokenId = p.owner();
            }
        }
        route();
    }

    private void route() {
        if (tokenId == null) {
            refuseClient((short) 1008, "gemini-pool: no owner for this session", "unauthenticated");
            return;
        }
        if (!pool.acquire(tokenId)) {
            refuseClient((short) 1013, "gemini-pool: this client token holds " + pool.config().live().sessionsPerToken()
                    + " open Live sessions already (GEMINI_POOL_LIVE_SESSIONS_PER_TOKEN)", "token_cap");
            return;
        }
        tokenHeld = true;
        Routes routes = pool.routes().current();
        RouteDecision decision = routes.resolve(RequestTraits.simple(OperationKind.GENERATE, setup.model(), null));
        if (decision == null) {
            refuseClient((short) 1008, "gemini-pool: no route serves model " + setup.model(), "no_route");
            return;
        }
        route = decision.route();
        targets = decision.targets().stream().filter(t -> !t.openRouter()).toList();
        if (targets.isEmpty()) {
            refuseClient((short) 1008, LiveCloses.reason("gemini-pool: route " + route
                    + " has no Google target, and only Google serves the Live API"), "no_route");
            return;
        }
        nextTarget();
    }

    // ------------------------------------------------------------------ attempts

    private void nextTarget() {
        if (state == State.CLOSED) {
            return;
        }
        if (targetIndex >= targets.size()) {
            LiveSlotClient.Opened.Refused r = lastRefusal;
            String why = r == null ? "no Google project can serve it" : r.reason() + ", retry in " + r.retryAfterSeconds()
                    + " s";
            pool.metrics().result("pool_full");
            refuseClient((short) 1013, LiveCloses.reason("gemini-pool: no project can open another Live session for "
                    + setup.model() + " now (" + why + ")"), null);
            return;
        }
        Target t = targets.get(targetIndex);
        if (t.byFamily() && t.model() == null) {
            var ctx = io.vertx.core.Vertx.currentContext();
            pool.families().resolve(t.family()).onComplete(ar -> ctx.runOnContext(v -> {
                if (ar.failed()) {
                    targetIndex++;
                    nextTarget();
                } else {
                    target = t.resolvedTo(ar.result());
                    attempt();
                }
            }));
            return;
        }
        target = t;
        attempt();
    }

    private void attempt() {
        if (state == State.CLOSED) {
            return;
        }
        if (attempts >= pool.config().maxAttempts()) {
            pool.metrics().result("attempts_spent");
            refuseClient((short) 1013, "gemini-pool: every attempt to open the session was refused; retry later", null);
            return;
        }
        attempts++;
        Routes routes = pool.routes().current();
        // A pinned session (its handle's or its ephemeral token's project) goes to that project whatever its pools.
        String slotPool = pinnedProject != null ? null : target.pool();
        List<String> excludePools = pinnedProject != null || target.pool() != null ? List.of()
                : routes.directExcludedPools();
        LiveSlotRequest request = new LiveSlotRequest(slotPool, target.model(), requestId,
                excludePools.isEmpty() ? null : excludePools, pinnedProject,
                excludeProjects.isEmpty() ? null : List.copyOf(excludeProjects), tokenId);
        var ctx = io.vertx.core.Vertx.currentContext();
        pool.slots().open(request).onComplete(ar -> ctx.runOnContext(v -> slotAnswered(ar.result())));
    }

    private void slotAnswered(LiveSlotClient.Opened answer) {
        if (answer instanceof LiveSlotClient.Opened.Granted g) {
            slot = g.grant();
            slotOpen = true;
            leaseSettled = false;
            if (state == State.CLOSED) {
                settle(Classification.of(Outcome.CLIENT_ERROR, "the client went away"));
                releaseSlot();
                return;
            }
            connect();
        } else if (answer instanceof LiveSlotClient.Opened.Refused r) {
            LOG.debugf("[%s] keypool: no Live slot for %s: %s (%s)", requestId, target.label(), r.reason(), r.message());
            lastRefusal = r;
            if (pinnedProject != null) {
                pool.metrics().result("pool_full");
                refuseClient((short) 1013, LiveCloses.reason("gemini-pool: the project of this " + pinnedBy
                        + " cannot open another Live session now (" + r.reason() + ")"), null);
                return;
            }
            targetIndex++;
            attempts--; // the keypool refused without an upstream call: no attempt spent
            nextTarget();
        } else if (answer instanceof LiveSlotClient.Opened.Invalid i) {
            refuseClient((short) 1008, LiveCloses.reason("gemini-pool: " + i.why()), "bad_setup");
        } else {
            pool.metrics().result("keypool_unavailable");
            refuseClient((short) 1011, "gemini-pool: the key pool is unavailable; retry shortly", null);
        }
    }

    private void connect() {
        URI base = URI.create(pool.config().geminiBaseUrl());
        boolean tls = "https".equalsIgnoreCase(base.getScheme()) || "wss".equalsIgnoreCase(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String uri = prefix + "/ws/" + method;
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(base.getHost()).setPort(port)
                .setSsl(tls).setURI(uri).setTimeout(pool.config().upstreamConnectTimeout().toMillis());
        if (ephemeralToken != null) {
            // Google minted this token for its project; it is the credential of the constrained method.
            options.setURI(uri + "?access_token=" + URLEncoder.encode(ephemeralToken, StandardCharsets.UTF_8));
        } else {
            options.addHeader("x-goog-api-key", slot.lease().apiKey());
        }
        for (String h : new String[] {"User-Agent", "x-goog-api-client"}) {
            String value = clientHeaders.get(h);
            if (value != null && value.length() <= 512) {
                options.addHeader(h, value);
            }
        }
        var ctx = io.vertx.core.Vertx.currentContext();
        pool.upstream().connect(options).onComplete(ar -> ctx.runOnContext(v -> {
            if (ar.failed()) {
                connectFailed(ar.cause());
            } else {
                connected(ar.result());
            }
        }));
    }

    private void connectFailed(Throwable e) {
        if (e instanceof UpgradeRejectedException u) {
            String body = u.getBody() == null ? null : u.getBody().toString(StandardCharsets.UTF_8);
            Classification c = UpstreamErrorClassifier.classify(u.getStatus(), body);
            refused(new LiveCloses.Verdict(c.outcome(), false, c.message() == null ? "HTTP " + u.getStatus()
                    : c.message()), (short) 1011);
        } else {
            refused(new LiveCloses.Verdict(Outcome.UPSTREAM_ERROR, false, "cannot reach Google: "
                    + e.getClass().getSimpleName()), (short) 1011);
        }
    }

    private void connected(WebSocket ws) {
        upstream = ws;
        if (state == State.CLOSED) {
            ws.close((short) 1000);
            settle(Classification.of(Outcome.CLIENT_ERROR, "the client went away"));
            releaseSlot();
            return;
        }
        ws.frameHandler(this::upstreamFrame);
        ws.closeHandler(v -> upstreamClosed(ws));
        ws.exceptionHandler(e -> LOG.debugf("[%s] upstream socket: %s", requestId, e.toString()));
        ws.writeFinalTextFrame(new String(setup.forModel(target.model()), StandardCharsets.UTF_8));
    }

    /** Google closed (or the connection failed) before setupComplete: settle, free the slot, retry or answer. */
    private void refused(LiveCloses.Verdict verdict, short googleCode) {
        upstream = null;
        pendingUp = null;
        Classification c = Classification.of(verdict.outcome(), verdict.message());
        String project = slot == null ? null : slot.lease().project();
        usageEvent(c.outcome(), 0, TokenUsage.NONE);
        Future<Void> settled = settle(c);
        Future<?> freed = verdict.sessionLimit() ? releaseSlotLearning(verdict.message()) : releaseSlot();
        settled.eventually(() -> freed).onComplete(ar -> {
            if (state == State.CLOSED) {
                return;
            }
            Outcome o = verdict.outcome();
            if (o == Outcome.CLIENT_ERROR || o == Outcome.LOCATION_UNSUPPORTED) {
                pool.metrics().result(o == Outcome.CLIENT_ERROR ? "refused_by_google" : "location");
                refuseClient(LiveCloses.clientCode(googleCode), LiveCloses.reason(verdict.message()), null);
                return;
            }
            if ((o == Outcome.UPSTREAM_ERROR || (o == Outcome.OVERLOADED && !verdict.sessionLimit()))
                    && ++upstreamErrors > pool.config().maxUpstreamErrorRetries()) {
                pool.metrics().result("upstream_error");
                refuseClient((short) 1011, LiveCloses.reason("gemini-pool: Google did not open the session: "
                        + verdict.message()), null);
                return;
            }
            if (project != null && (verdict.sessionLimit() || o == Outcome.PROJECT_DENIED
                    || o == Outcome.BILLING_DEPLETED)) {
                if (pinnedProject != null) {
                    pool.metrics().result("pool_full");
                    refuseClient(verdict.sessionLimit() ? (short) 1013 : (short) 1011, LiveCloses.reason(
                            "gemini-pool: the project of this " + pinnedBy + " refused the session: "
                                    + verdict.message()), null);
                    return;
                }
                if (!excludeProjects.contains(project)) {
                    excludeProjects.add(project);
                }
            }
            attempt();
        });
    }

    // ------------------------------------------------------------------ upstream side

    private void upstreamFrame(WebSocketFrame f) {
        if (!isData(f)) {
            return;
        }
        lastActivity = System.currentTimeMillis();
        if (state == State.CONNECTING) {
            if (pendingUp == null) {
                pendingUp = Buffer.buffer();
                pendingUpType = f.type();
            }
            if (pendingUp.length() + f.binaryData().length() > MAX_SETUP_BYTES) {
                upstream.close((short) 1009);
                return;
            }
            pendingUp.appendBuffer(f.binaryData());
            if (f.isFinal()) {
                Buffer message = pendingUp;
                WebSocketFrameType type = pendingUpType;
                pendingUp = null;
                firstMessages(message, type);
            }
            return;
        }
        if (state != State.OPEN) {
            return;
        }
        pool.metrics().down(f.binaryData().length());
        Future<Void> recorded = watch(f);
        if (recorded == null) {
            relay(upstream, client, f);
            return;
        }
        // A new resumption handle is recorded before the client can use it (it may reconnect at once).
        WebSocket up = upstream;
        up.pause();
        recorded.onComplete(ar -> {
            relay(up, client, f);
            if (state == State.OPEN && !client.writeQueueFull()) {
                up.resume();
            }
        });
    }

    /** Google's messages before the relay starts: setupComplete opens the session; others pass on. */
    private void firstMessages(Buffer message, WebSocketFrameType type) {
        boolean complete = false;
        try {
            JsonNode m = JSON.readTree(message.getBytes());
            complete = m != null && m.has("setupComplete");
        } catch (Exception ignored) {
            // not JSON: relayed as it came
        }
        WebSocketFrame whole = type == WebSocketFrameType.TEXT
                ? new WebSocketFrameImpl(WebSocketFrameType.TEXT, message.getBytes(), true)
                : WebSocketFrame.binaryFrame(message, true);
        if (!complete) {
            client.writeFrame(whole);
            return;
        }
        state = State.OPEN;
        settle(Classification.of(Outcome.SUCCESS));
        pool.opened(this, slot.heartbeatSeconds());
        pool.metrics().result("opened");
        pool.metrics().down(message.length());
        client.writeFrame(whole);
        client.resume();
    }

    /**
     * Reads Google's small whole messages for usage and resumption handles; everything passes unchanged. Answers the
     * recording of a new handle when {@code f} completes a message that carries one, else null.
     */
    private Future<Void> watch(WebSocketFrame f) {
        boolean start = upstreamMessageStart;
        upstreamMessageStart = f.isFinal();
        if (start && f.isFinal()) {
            Buffer data = f.binaryData();
            return data.length() <= MAX_INSPECT_BYTES ? inspect(data) : null;
        }
        if (start) {
            inspect = Buffer.buffer().appendBuffer(f.binaryData());
        } else if (inspect != null) {
            if (inspect.length() + f.binaryData().length() > MAX_INSPECT_BYTES) {
                inspect = null;
            } else {
                inspect.appendBuffer(f.binaryData());
            }
        }
        if (f.isFinal() && inspect != null) {
            Buffer whole = inspect;
            inspect = null;
            return inspect(whole);
        }
        return null;
    }

    private Future<Void> inspect(Buffer data) {
        String text = data.toString(StandardCharsets.UTF_8);
        boolean usage = text.contains("\"usageMetadata\"");
        boolean handle = text.contains("\"sessionResumptionUpdate\"");
        if (!usage && !handle) {
            return null;
        }
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
        if (m == null) {
            return null;
        }
        JsonNode u = m.get("usageMetadata");
        if (u != null && u.isObject()) {
            sawUsage = true;
            prompt += u.path("promptTokenCount").asLong(0);
            response += u.path("responseTokenCount").asLong(u.path("candidatesTokenCount").asLong(0));
            thoughts += u.path("thoughtsTokenCount").asLong(0);
        }
        JsonNode r = m.get("sessionResumptionUpdate");
        if (r != null && r.path("newHandle").isTextual() && !r.get("newHandle").asText().isEmpty()
                && r.path("resumable").asBoolean(true)) {
            String name = LiveObjects.handle(r.get("newHandle").asText());
            io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
            var ctx = io.vertx.core.Vertx.currentContext();
            pool.affinity().record(name, slot.lease().keyId(), tokenId, null).subscribe().with(
                    v -> ctx.runOnContext(x -> done.complete()),
                    e -> ctx.runOnContext(x -> {
                        LOG.warnf("[%s] resumption handle not recorded: %s", requestId, e.toString());
                        done.complete();
                    }));
            return done.future();
        }
        return null;
    }

    private void upstreamClosed(WebSocket ws) {
        if (ws != upstream) {
            return;
        }
        Short code = ws.closeStatusCode();
        String reason = ws.closeReason();
        if (state == State.CONNECTING) {
            refused(LiveCloses.classify(code == null ? 1006 : code, reason), code == null ? 1011 : code);
            return;
        }
        if (state == State.OPEN) {
            pool.metrics().result("closed_by_google");
            closeClientAndFinish(LiveCloses.clientCode(code), LiveCloses.reason(reason == null ? ""
                    : ApiKeys.scrub(reason, slot.lease().apiKey())));
        }
    }

    // ------------------------------------------------------------------ relay

    /** Writes {@code f} to {@code to}; when its queue is full, {@code from} is paused until it drains. */
    private void relay(io.vertx.core.http.WebSocketBase from, io.vertx.core.http.WebSocketBase to, WebSocketFrame f) {
        if (to.isClosed()) {
            return;
        }
        to.writeFrame(copy(f));
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> {
                if (state == State.OPEN) {
                    from.resume();
                }
            });
        }
    }

    private static WebSocketFrame copy(WebSocketFrame f) {
        return switch (f.type()) {
            case TEXT -> f.isFinal() ? WebSocketFrame.textFrame(f.textData(), true)
                    : new WebSocketFrameImpl(WebSocketFrameType.TEXT, f.binaryData().getBytes(), false);
            case BINARY -> WebSocketFrame.binaryFrame(f.binaryData(), f.isFinal());
            default -> WebSocketFrame.continuationFrame(f.binaryData(), f.isFinal());
        };
    }

    private static boolean isData(WebSocketFrame f) {
        return f.type() == WebSocketFrameType.TEXT || f.type() == WebSocketFrameType.BINARY
                || f.type() == WebSocketFrameType.CONTINUATION;
    }

    // ------------------------------------------------------------------ endings

    private void clientGone() {
        if (state == State.CLOSED) {
            return;
        }
        State was = state;
        if (was == State.OPEN) {
            pool.metrics().result("closed_by_client");
        }
        if (upstream != null && !upstream.isClosed()) {
            upstream.close((short) 1000);
        }
        if (was == State.CONNECTING && slot != null && !leaseSettled) {
            settle(Classification.of(Outcome.CLIENT_ERROR, "the client went away before the session opened"));
        }
        finish();
    }

    /** Refuses the session before it opened (nothing was relayed): close code and reason for the client. */
    private void refuseClient(short code, String reason, String result) {
        if (result != null) {
            pool.metrics().result(result);
        }
        closeClientAndFinish(code, reason);
    }

    private void closeClientAndFinish(short code, String reason) {
        if (!client.isClosed()) {
            client.close(code, LiveCloses.reason(reason));
        }
        finish();
    }

    private void closeAll(short code, String reason) {
        if (upstream != null && !upstream.isClosed()) {
            upstream.close((short) 1000);
        }
        if (state == State.CONNECTING && slot != null && !leaseSettled) {
            settle(Classification.of(Outcome.CLIENT_ERROR, "closed before the session opened"));
        }
        closeClientAndFinish(code, reason);
    }

    /** Gateway shutdown: both sides closed (1001), the slot freed. */
    void shutdown() {
        pool.vertx().runOnContext(v -> closeAll((short) 1001, "gemini-pool: the gateway is shutting down"));
    }

    private void finish() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasOpen = state == State.OPEN;
        state = State.CLOSED;
        if (idleTimer >= 0) {
            pool.vertx().cancelTimer(idleTimer);
            idleTimer = -1;
        }
        if (tokenHeld) {
            tokenHeld = false;
            pool.releaseToken(tokenId);
        }
        pool.closed(this);
        if (wasOpen) {
            usageEvent(Outcome.SUCCESS, 101, new TokenUsage(sawUsage ? prompt : null, sawUsage ? response : null,
                    sawUsage && thoughts > 0 ? thoughts : null));
        }
        if (slotOpen) {
            releaseSlot();
        }
    }

    private Future<Void> settle(Classification c) {
        if (slot == null || leaseSettled || slot.lease().leaseId() == null) {
            return Future.succeededFuture();
        }
        leaseSettled = true;
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        pool.leases().report(slot.lease(), KeyLeases.reportOf(c, TokenUsage.NONE)).subscribe().with(v -> done.complete(),
                e -> done.complete());
        return done.future();
    }

    private Future<Void> releaseSlot() {
        if (slot == null || !slotOpen) {
            return Future.succeededFuture();
        }
        slotOpen = false;
        String id = slot.sessionId();
        return pool.slots().release(id).recover(e -> {
            LOG.debugf("[%s] Live slot %s not released (%s); it expires by itself", requestId, id, e.toString());
            return Future.succeededFuture();
        });
    }

    private Future<Void> releaseSlotLearning(String message) {
        if (slot == null || !slotOpen) {
            return Future.succeededFuture();
        }
        slotOpen = false;
        String id = slot.sessionId();
        return pool.slots().refused(id, new LiveSlotRefusal(LiveSlotRefusal.SESSION_LIMIT, LiveCloses.reason(message)))
                .map(limit -> {
                    if (limit != null) {
                        LOG.infof("[%s] project %s holds at most %d Live sessions (learned from Google's refusal)",
                                requestId, limit.project(), limit.sessionLimit());
                    }
                    return (Void) null;
                }).recover(e -> Future.succeededFuture());
    }

    private void usageEvent(Outcome outcome, int status, TokenUsage tokens) {
        if (slot == null) {
            return;
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        pool.usage().recordAhead(new UsageEvent(org.geminipool.contract.RandomIds.timeOrdered(), Instant.now().toString(), slot.lease().keyId(),
                slot.lease().project(), target.model(), route, target.label(), Target.GOOGLE, tokenId, outcome.name(),
                status, ms, tokens.promptTokens(), tokens.completionTokens(), tokens.thoughtTokens(), ROUTE));
    }
}
