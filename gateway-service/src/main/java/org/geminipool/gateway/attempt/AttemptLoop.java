package org.geminipool.gateway.attempt;

import org.geminipool.gateway.metrics.GatewayMetrics;
import org.geminipool.gateway.upstream.UpstreamCalls;
import org.geminipool.gateway.quota.KeyLeases;
import org.geminipool.gateway.http.Operation;
import org.geminipool.gateway.http.StreamRelay;
import org.geminipool.gateway.http.ProtocolErrors;
import org.geminipool.gateway.http.GatewayResponses;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.gateway.quota.LeaseAnswer;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.lease.OutcomeReport;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.routing.Target;
import org.geminipool.contract.ApiKeys;
import org.geminipool.common.upstream.Classification;
import org.geminipool.contract.Outcome;
import org.geminipool.contract.RandomIds;
import org.geminipool.common.upstream.UpstreamErrorClassifier;
import org.geminipool.gateway.routing.FamilyResolver;
import org.geminipool.gateway.upstream.TokenUsage;
import org.geminipool.gateway.upstream.UpstreamHttp;
import org.geminipool.contract.usage.UsageEvent;
import org.geminipool.gateway.usage.UsageShipper;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The heart of the gateway (issue 6, design §3, §5): route → target → lease → upstream call with the leased key →
 * classify → report the outcome → on a retryable outcome lease another key; when the keypool says a target cannot
 * serve now, the next target, without an upstream call. Bounded by GEMINI_POOL_MAX_ATTEMPTS upstream calls and
 * GEMINI_POOL_MAX_UPSTREAM_ERROR_RETRIES 5xx/timeouts per request. When everything is spent: 429 with Retry-After
 * (the earliest time the keypool named), in the route's protocol. One usage event per upstream attempt.
 */
@ApplicationScoped
public class AttemptLoop {

    public static final String ROUTE_HEADER = "x-gemini-pool-route";
    /** 404s "no longer available" per request that do not count toward GEMINI_POOL_MAX_ATTEMPTS. */
    static final int MAX_UNCOUNTED_RETIRED = 32;

    private static final Logger LOG = Logger.getLogger(AttemptLoop.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KeyLeases leases;

    @Inject
    UpstreamHttp http;

    @Inject
    GatewayConfig config;

    @Inject
    UsageShipper usage;

    @Inject
    GatewayMetrics metrics;

    @Inject
    ModelsCatalog models;

    @Inject
    RouteTable routeTable;

    @Inject
    FamilyResolver families;

    public void run(Exchange ex) {
        tryTarget(ex, 0);
    }

    private void tryTarget(Exchange ex, int index) {
        if (ex.clientGone()) {
            finishQuietly(ex, "CLIENT_GONE");
            return;
        }
        var targets = ex.decision.targets();
        Target target = index < targets.size() ? targets.get(index) : null;
        switch (Transitions.beforeTarget(index, targets.size(), ex.attempts, config.maxAttempts(),
                target != null && target.openRouter(), ex.googleRefusedLocation)) {
            case GIVE_UP -> {
                giveUp(ex);
                return;
            }
            case NEXT_TARGET -> {
                tryTarget(ex, index + 1); // Google refuses our egress: no Google target can serve this request
                return;
            }
            default -> {
            }
        }
        if (target.byFamily() && target.model() == null) {
            families.resolve(target.family()).onComplete(ar -> ex.context.runOnContext(v -> {
                if (ar.failed()) {
                    LOG.debugf("[%s] target %s skipped: %s", ex.requestId, target.label(), ar.cause().getMessage());
                    if (ar.cause() instanceof org.geminipool.gateway.quota.KeypoolUnavailableException) {
                        ex.keypoolDown = true;
                    }
                    ex.lastRefusal = "FAMILY_UNRESOLVED";
                    metrics.targetSkipped("FAMILY_UNRESOLVED");
                    tryTarget(ex, index + 1);
                } else {
                    leaseFor(ex, index, target.resolvedTo(ar.result()));
                }
            }));
            return;
        }
        if (target.openRouter()) {
            if (!ex.call.operation().openRouterCapable() || config.openrouterApiKey().filter(k -> !k.isBlank()).isEmpty()) {
                tryTarget(ex, index + 1);
                return;
            }
            call(ex, index, target, null);
            return;
        }
        leaseFor(ex, index, target);
    }

    private void leaseFor(Exchange ex, int index, Target target) {
        // Any-pool (direct) leases must not spend keys of pools the routes reserve (declared without direct: true).
        var excluded = target.pool() == null ? routeTable.current().directExcludedPools() : java.util.List.<String>of();
        boolean quotaFree = ex.call.operation().quotaFree();
        LeaseRequest request = new LeaseRequest(target.pool(), target.model(), ex.requestId, quotaFree,
                excluded.isEmpty() ? null : excluded, quotaFree || ex.estimatedTokens <= 0 ? null : ex.estimatedTokens,
                ex.preferredProject);
        if (ex.project != null) {
            // Affinity: the objects named belong to one project; any pool of it, nothing excluded (design §2).
            request = new LeaseRequest(null, target.model(), ex.requestId, quotaFree, null,
                    request.estimatedTokens(), ex.project);
        }
        leases.lease(request).subscribe().with(
                answer -> ex.context.runOnContext(v -> onLease(ex, index, target, answer)),
                failure -> ex.context.runOnContext(v -> onLease(ex, index, target,
                        new LeaseAnswer.Unavailable(failure.toString()))));
    }

    private void onLease(Exchange ex, int index, Target target, LeaseAnswer answer) {
        switch (Transitions.afterLease(answer, ex.preferredProject != null)) {
            case CALL -> call(ex, index, target, ((LeaseAnswer.Granted) answer).grant());
            case ANY_PROJECT -> {
                ex.preferredProject = null; // the chain's project cannot serve now: any project, the history is replayed
                leaseFor(ex, index, target);
            }
            case CLIENT_ERROR -> {
                // The keypool found the request itself invalid: the client's input, answered before any upstream call.
                ex.finished = true;
                metrics.request(ex.decision.route(), null, "BAD_REQUEST");
                GatewayResponses.error(ex.ctx, ex.call, 400, "the key pool refused this request: "
                        + ProtocolErrors.scrub(((LeaseAnswer.Invalid) answer).why()), null, ex.requestId);
            }
            default -> {
                noteSkipped(ex, answer);
                tryTarget(ex, index + 1);
            }
        }
    }

    /** What a target passed over without an upstream call leaves for the final answer. */
    private void noteSkipped(Exchange ex, LeaseAnswer answer) {
        if (answer instanceof LeaseAnswer.Refused refused) {
            if ("MODEL_RETIRED".equals(refused.reason())) {
                ex.retiredTargets++; // a retired model frees up never: not a Retry-After candidate
            } else {
                ex.noteRetryAfter(refused.retryAfterSeconds());
            }
            ex.lastRefusal = refused.reason();
            metrics.targetSkipped(refused.reason());
        } else if (answer instanceof LeaseAnswer.UnknownModel) {
            ex.unknownModelTargets++;
        } else if (answer instanceof LeaseAnswer.Unavailable unavailable) {
            if (!ex.keypoolDown) {
                LOG.warnf("[%s] keypool unavailable: %s", ex.requestId, unavailable.why());
            }
            ex.keypoolDown = true;
        }
    }

    private void call(Exchange ex, int index, Target target, LeaseGrant lease) {
        ex.attempts++;
        ex.leasedProject = lease == null ? null : lease.project();
        ex.attemptTarget = target;
        UpstreamCalls.UpstreamRequest request = UpstreamCalls.build(ex, target, lease, config.geminiBaseUrl(),
                config.openrouterBaseUrl(), config.openrouterApiKey().orElse(""));
        long start = System.nanoTime();
        http.send(request.method(), request.url(), request.headers(), request.body()).onComplete(ar -> {
            if (ar.failed() && ar.cause() instanceof UpstreamHttp.SilentUpstreamException) {
                onSilentUpstream(ex, target, lease, start, 0);
                return;
            }
            if (ar.failed()) {
                onAttemptFailed(ex, index, target, lease, start, UpstreamErrorClassifier.noAnswer(), 0,
                        "no answer: " + ar.cause());
                return;
            }
            HttpClientResponse response = ar.result();
            int status = response.statusCode();
            if (status / 100 == 2 && streaming(ex)) {
                StreamRelay.relay(ex, response, ex.decision.header(target), config.upstreamTimeout().toMillis(),
                        result -> onStreamDone(ex, index, target, lease, start, result));
                return;
            }
            response.body().onComplete(body -> {
                if (body.failed() && UpstreamHttp.isIdleTimeout(body.cause())) {
                    onSilentUpstream(ex, target, lease, start, status);
                    return;
                }
                if (body.failed()) {
                    onAttemptFailed(ex, index, target, lease, start, UpstreamErrorClassifier.noAnswer(), status,
                            "answer broke off: " + body.cause());
                    return;
                }
                Buffer b = body.result();
                if (status / 100 == 2) {
                    // The usage event is written ahead before the answer goes out (gateway-service README, "Usage
                    // shipping"): a gateway killed right after the client got its answer must not lose it. The outcome
                    // report is only started here (not awaited on success), so the answer is not held back by it.
                    long nanos = System.nanoTime() - start;
                    if (lease != null && lease.probe()) {
                        // A call above a provisional limit: its SUCCESS raises that limit. Settle it first, so the
                        // client's next request already sees the raised limit (at most one such call per window/day).
                        settleTook(ex, target, lease, Classification.of(Outcome.SUCCESS), status, nanos, usageOf(b))
                                .onComplete(v -> ex.context.runOnContext(x -> respondSuccess(ex, target, status,
                                        response.getHeader("Content-Type"), b)));
                        return;
                    }
                    TokenUsage tokens = usageOf(b);
                    Classification success = Classification.of(Outcome.SUCCESS);
                    String type = response.getHeader("Content-Type");
                    recordUsage(ex, target, lease, success, status, nanos, tokens).whenComplete((v, e) ->
                            ex.context.runOnContext(x -> respondSuccess(ex, target, status, type, b)));
                    report(lease, success, tokens);
                    return;
                }
                // Whatever kind the leased key is, it never travels further than this line in clear.
                String text = ApiKeys.scrub(b.toString(StandardCharsets.UTF_8), lease == null ? null : lease.apiKey());
                Classification c = UpstreamErrorClassifier.classify(status, text);
                if (c.outcome() == Outcome.CLIENT_ERROR) {
                    settle(ex, target, lease, c, status, start, TokenUsage.NONE);
                    respondUpstreamError(ex, target, status, text);
                    return;
                }
                if (c.outcome() == Outcome.LOCATION_UNSUPPORTED) {
                    // Our egress, not a key: nothing is banned, no other Google key is tried (design §3, 2026 table).
                    ex.googleRefusedLocation = true;
                    LOG.warnf("[%s] Google refuses this gateway's location: %s", ex.requestId, c.message());
                }
                ex.lastUpstreamMessage = messageOf(text, status);
                onAttemptFailed(ex, index, target, lease, start, c, status, ex.lastUpstreamMessage);
            });
        });
    }

    private boolean streaming(Exchange ex) {
        return ex.call.operation() == Operation.STREAM_GENERATE_CONTENT || (ex.door != null && ex.door.stream())
                || (ex.call.operation() == Operation.CHAT_COMPLETIONS && ex.json.path("stream").asBoolean(false));
    }

    private void onStreamDone(Exchange ex, int index, Target target, LeaseGrant lease, long start,
                              StreamRelay.Result result) {
        if (!result.clientReceivedBytes() && result.classification().outcome() == Outcome.UPSTREAM_ERROR) {
            // Nothing reached the client yet: this attempt may still be retried elsewhere.
            onAttemptFailed(ex, index, target, lease, start, result.classification(), 200, result.failure());
            return;
        }
        settle(ex, target, lease, result.classification(), 200, start, result.usage());
        ex.finished = true;
        ex.servedBy = target;
        if (result.failure() != null) {
            LOG.infof("[%s] stream on %s ended early: %s", ex.requestId, ex.decision.header(target), result.failure());
        }
        metrics.request(ex.decision.route(), target.model(), result.classification().outcome().name());
    }

    /**
     * The upstream accepted the call and then went silent past GEMINI_POOL_UPSTREAM_TIMEOUT (a long thinking call):
     * not the key's fault, so no strike (CLIENT_ERROR settles the lease, which still counts), and not retried on
     * another key, which would only spend the same quota again; the client gets 504.
     */
    private void onSilentUpstream(Exchange ex, Target target, LeaseGrant lease, long start, int status) {
        settle(ex, target, lease, Classification.of(Outcome.CLIENT_ERROR), status, start, TokenUsage.NONE);
        ex.finished = true;
        metrics.request(ex.decision.route(), target.model(), "UPSTREAM_TIMEOUT");
        if (ex.clientGone()) {
            return;
        }
        ex.ctx.response().putHeader(ROUTE_HEADER, ex.decision.header(target));
        GatewayResponses.error(ex.ctx, ex.call, 504, "the upstream accepted the call but sent nothing for "
                + config.upstreamTimeout().toSeconds() + " s (GEMINI_POOL_UPSTREAM_TIMEOUT); it was not retried on"
                + " another key", null, ex.requestId);
    }

    /** A retryable (or not) failure of one attempt: report it first, so the next lease already avoids the key. */
    private void onAttemptFailed(Exchange ex, int index, Target target, LeaseGrant lease, long start, Classification c,
                                 int status, String why) {
        LOG.debugf("[%s] attempt %d on %s (key %s): %s %s", ex.requestId, ex.attempts, ex.decision.header(target),
                lease == null ? "-" : lease.keyId(), c.outcome(), why);
        Future<Void> reported = settle(ex, target, lease, c, status, start, TokenUsage.NONE);
        if (c.outcome() == Outcome.MODEL_RETIRED
                && !Transitions.spendsAttempt(c.outcome(), ex.retiredAnswers++, MAX_UNCOUNTED_RETIRED)) {
            ex.attempts--;
        }
        reported.onComplete(v -> ex.context.runOnContext(x -> {
            if (c.retryAfterSeconds() != null) {
                ex.noteRetryAfter(c.retryAfterSeconds());
            }
            if (Transitions.transientFailure(c.outcome())) {
                ex.upstreamErrors++;
                ex.lastUpstreamStatus = status;
                if (ex.lastUpstreamMessage == null) {
                    ex.lastUpstreamMessage = why;
                }
            }
            switch (Transitions.afterFailure(c.outcome(), target.openRouter(), ex.upstreamErrors,
                    config.maxUpstreamErrorRetries())) {
                case GIVE_UP -> giveUp(ex);
                case NEXT_TARGET -> tryTarget(ex, index + 1);
                default -> tryTarget(ex, index);
            }
        }));
    }

    private Future<Void> settle(Exchange ex, Target target, LeaseGrant lease, Classification c, int status, long start,
                                TokenUsage tokens) {
        return settleTook(ex, target, lease, c, status, System.nanoTime() - start, tokens);
    }

    /** Usage event and outcome report; the future completes when the event is written ahead and the keypool has it. */
    private Future<Void> settleTook(Exchange ex, Target target, LeaseGrant lease, Classification c, int status,
                                    long nanos, TokenUsage tokens) {
        Future<Void> written = Future.fromCompletionStage(recordUsage(ex, target, lease, c, status, nanos, tokens));
        return Future.all(written, report(lease, c, tokens)).mapEmpty();
    }

    /** The latency metric and the usage event, handed to the write-ahead log's writer (see UsageShipper). */
    private java.util.concurrent.CompletionStage<Void> recordUsage(Exchange ex, Target target, LeaseGrant lease,
                                                                  Classification c, int status, long nanos,
                                                                  TokenUsage tokens) {
        String provider = target.openRouter() ? Target.OPENROUTER : Target.GOOGLE;
        metrics.upstream(provider, c.outcome().name(), nanos);
        return usage.recordAhead(new UsageEvent(RandomIds.timeOrdered(), Instant.now().toString(),
                lease == null ? null : lease.keyId(), lease == null ? null : lease.project(), usageModel(ex, target),
                ex.decision.route(), target.label(), provider, ex.clientTokenId, c.outcome().name(),
                status == 0 ? null : status, nanos / 1_000_000, tokens.promptTokens(),
                tokens.completionTokens(), tokens.thoughtTokens(), ex.door == null ? null : ex.door.name()));
    }

    /** The outcome report; the future completes when the keypool has it (or could not be reached). */
    private Future<Void> report(LeaseGrant lease, Classification c, TokenUsage tokens) {
        if (lease == null || lease.leaseId() == null) {
            return Future.succeededFuture();
        }
        Promise<Void> promise = Promise.promise();
        leases.report(lease, KeyLeases.reportOf(c, tokens))
                .subscribe().with(v -> promise.tryComplete(), e -> promise.tryComplete());
        return promise.future();
    }

    private static String usageModel(Exchange ex, Target target) {
        if (target.model() != null) {
            return target.model();
        }
        String m = ex.call.pathModel();
        if (m != null) {
            return m.startsWith("models/") ? m.substring("models/".length()) : m;
        }
        return "models";
    }

    private static TokenUsage usageOf(Buffer body) {
        try {
            TokenUsage u = TokenUsage.scan(body.getBytes());
            return u == null ? TokenUsage.NONE : u;
        } catch (Exception e) {
            return TokenUsage.NONE;
        }
    }

    private static String messageOf(String body, int status) {
        JsonNode e = UpstreamErrorClassifier.errorObject(body);
        String m = e == null ? null : e.path("message").asText(null);
        return ProtocolErrors.scrub(m == null ? "upstream answered " + status : m);
    }

    private void respondSuccess(Exchange ex, Target target, int status, String contentType, Buffer body) {
        ex.finished = true;
        ex.servedBy = target;
        metrics.request(ex.decision.route(), target.model(), Outcome.SUCCESS.name());
        HttpServerResponse out = ex.ctx.response();
        if (out.closed() || out.ended()) {
            return;
        }
        if (ex.door != null) {
            out.putHeader(ROUTE_HEADER, ex.decision.header(target)).putHeader("x-request-id", ex.requestId);
            ex.door.answer(ex, body);
            return;
        }
        Buffer payload = ex.call.operation().models() ? models.upstreamAnswer(ex, contentType, body) : body;
        out.setStatusCode(status).putHeader("Content-Type", contentType == null ? "application/json" : contentType)
                .putHeader(ROUTE_HEADER, ex.decision.header(target)).putHeader("x-request-id", ex.requestId)
                .end(payload);
    }

    private void respondUpstreamError(Exchange ex, Target target, int status, String upstreamBody) {
        ex.finished = true;
        metrics.request(ex.decision.route(), target.model(), Outcome.CLIENT_ERROR.name());
        HttpServerResponse out = ex.ctx.response();
        if (out.closed() || out.ended()) {
            return;
        }
        out.putHeader(ROUTE_HEADER, ex.decision.header(target));
        GatewayResponses.json(ex.ctx, status, ProtocolErrors.fromUpstream(ex.call.protocol(), ex.call.arrayStream(),
                status, upstreamBody), ex.requestId);
    }

    private void giveUp(Exchange ex) {
        ex.finished = true;
        String model = ex.requestedModel();
        int targets = ex.decision.targets().size();
        if (ex.attempts == 0 && ex.unknownModelTargets > 0 && ex.unknownModelTargets == targets) {
            metrics.request(ex.decision.route(), null, "UNKNOWN_MODEL");
            Target paid = ex.decision.targets().stream().filter(Target::paid).findFirst().orElse(null);
            String why = paid != null
                    ? "route " + ex.decision.route() + " uses the paid pool " + paid.pool() + ", whose projects have no"
                    + " quota for " + paid.model() + " yet (set one with PUT /admin/projects/{project}/quotas/"
                    + paid.model() + " on keypool-service)"
                    : "model " + (model == null ? "" : model)
                    + " is not served here: the keypool has no quota row for it and no route names it";
            GatewayResponses.error(ex.ctx, ex.call, 404, why, null, ex.requestId);
            return;
        }
        if (ex.project != null && ex.lastRefusal != null && ex.upstreamErrors == 0 && ex.retiredTargets == 0) {
            pinnedRefusal(ex);
            return;
        }
        if (ex.googleRefusedLocation) {
            metrics.request(ex.decision.route(), null, Outcome.LOCATION_UNSUPPORTED.name());
            GatewayResponses.error(ex.ctx, ex.call, 503, "Google refuses requests from this gateway's network location"
                    + " (\"User location is not supported for the API use.\"); no key is at fault. Route the gateway's"
                    + " egress through a supported region, or add an OpenRouter target.", null, ex.requestId);
            return;
        }
        if (ex.retiredTargets > 0 && ex.retryAfterSeconds == null && ex.upstreamErrors == 0) {
            metrics.request(ex.decision.route(), null, Outcome.MODEL_RETIRED.name());
            GatewayResponses.error(ex.ctx, ex.call, 404, "model " + (model == null ? "" : model) + " is no longer"
                    + " available from Google for any project of this pool"
                    + (ex.lastUpstreamMessage == null ? "" : " (" + ex.lastUpstreamMessage + ")"), null, ex.requestId);
            return;
        }
        if (ex.keypoolDown && ex.retryAfterSeconds == null && ex.upstreamErrors == 0) {
            metrics.request(ex.decision.route(), null, "KEYPOOL_UNAVAILABLE");
            GatewayResponses.error(ex.ctx, ex.call, 503, "the key pool (keypool-service) is not reachable right now;"
                    + " try again shortly", 5L, ex.requestId);
            return;
        }
        if (ex.upstreamErrors > config.maxUpstreamErrorRetries()) {
            int status = ex.lastUpstreamStatus >= 500 ? ex.lastUpstreamStatus : 502;
            metrics.request(ex.decision.route(), null, Outcome.UPSTREAM_ERROR.name());
            GatewayResponses.error(ex.ctx, ex.call, status, "the upstream failed " + ex.upstreamErrors
                    + " times for this request (last: " + ex.lastUpstreamMessage + ")", null, ex.requestId);
            return;
        }
        long retry = ex.retryAfterSeconds == null ? UpstreamErrorClassifier.DEFAULT_RATE_LIMIT_SECONDS : ex.retryAfterSeconds;
        metrics.request(ex.decision.route(), null, "EXHAUSTED");
        String why = ex.lastRefusal != null ? " (" + ex.lastRefusal + ")" : "";
        GatewayResponses.error(ex.ctx, ex.call, 429, "no key of route " + ex.decision.route()
                + " can serve this request now" + why + "; retry in " + retry + " s", retry, ex.requestId);
    }

    /** Affinity: the one project that may serve the request's objects cannot; its reason, never another project. */
    private void pinnedRefusal(Exchange ex) {
        String objects = String.join(", ", ex.objects);
        boolean dead = "ALL_BANNED".equals(ex.lastRefusal) || "NO_KEYS".equals(ex.lastRefusal);
        metrics.request(ex.decision.route(), null, dead ? "PROJECT_UNUSABLE" : "EXHAUSTED");
        if (dead) {
            GatewayResponses.error(ex.ctx, ex.call, 403, "the Google project that created " + objects + " has no usable"
                    + " key in this pool (" + ex.lastRefusal + ("ALL_BANNED".equals(ex.lastRefusal)
                    ? ": its keys are banned" : ": its keys were removed or disabled") + "); Google lets only that"
                    + " project use the object, so no other key is tried", null, ex.requestId);
            return;
        }
        long retry = ex.retryAfterSeconds == null ? UpstreamErrorClassifier.DEFAULT_RATE_LIMIT_SECONDS : ex.retryAfterSeconds;
        GatewayResponses.error(ex.ctx, ex.call, 429, "the Google project that created " + objects + " cannot serve"
                + " this request now (" + ex.lastRefusal + "); Google lets only that project use the object, so no"
                + " other project is tried; retry in " + retry + " s", retry, ex.requestId);
    }

    private void finishQuietly(Exchange ex, String outcome) {
        if (!ex.finished) {
            ex.finished = true;
            metrics.request(ex.decision.route(), null, outcome);
        }
    }
}
