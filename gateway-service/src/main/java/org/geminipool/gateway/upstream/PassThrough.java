package org.geminipool.gateway.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.common.upstream.Classification;
import org.geminipool.common.upstream.UpstreamErrorClassifier;
import org.geminipool.contract.ApiKeys;
import org.geminipool.contract.ModelNames;
import org.geminipool.contract.Outcome;
import org.geminipool.contract.affinity.ObjectKind;
import org.geminipool.contract.affinity.ObjectNames;
import org.geminipool.contract.affinity.StoredObject;
import org.geminipool.contract.lease.LeaseGrant;
import org.geminipool.contract.lease.LeaseRequest;
import org.geminipool.contract.usage.UsageEvent;
import org.geminipool.gateway.affinity.Affinity;
import org.geminipool.gateway.affinity.ObjectRefs;
import org.geminipool.gateway.config.GatewayConfig;
import org.geminipool.gateway.http.ClientAuth;
import org.geminipool.gateway.http.PassCall;
import org.geminipool.gateway.http.ProtocolErrors;
import org.geminipool.gateway.metrics.GatewayMetrics;
import org.geminipool.gateway.quota.KeyLeases;
import org.geminipool.gateway.quota.LeaseAnswer;
import org.geminipool.gateway.routing.RouteTable;
import org.geminipool.gateway.usage.UsageShipper;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Forwards a {@link PassCall} with a leased key (design §2, gateway README "Pass-through" and "Affinity"): the objects
 * the call names decide the project ({@link Affinity#pin}); a generation method leases against the model's limits, any
 * other call quota-free; the client's token and hop-by-hop and auth headers never go upstream; request and answer bodies
 * are streamed, except the JSON answers the gateway must read (a created object's name, a list to filter, an error to
 * classify); what a call created is recorded for its project before the answer goes out, a deleted object is
 * forgotten, a resumable session's upload URL is rewritten to point back at the gateway. One usage event per upstream
 * call, the outcome settled like any lease.
 */
@ApplicationScoped
public class PassThrough {

    private static final Logger LOG = Logger.getLogger(PassThrough.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String ROUTE = "passthrough";

    /** Request headers never forwarded: hop-by-hop, the client's credentials, what the gateway sets itself. */
    static final Set<String> REQUEST_DROP = Set.of("host", "connection", "keep-alive", "proxy-connection",
            "proxy-authorization", "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade", "expect",
            "authorization", "x-goog-api-key", "cookie", "accept-encoding", "content-length", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "x-gemini-pool-route");
    /** Answer headers never relayed: hop-by-hop, lengths the gateway recomputes, cookies. */
    static final Set<String> RESPONSE_DROP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "content-length", "set-cookie", "alt-svc", "upgrade", "trailer", "te");
    /** Query parameters never forwarded (the client's token). */
    static final Set<String> QUERY_DROP = Set.of("key", "access_token");
    private static final Pattern QUERY_NAME = Pattern.compile("[A-Za-z0-9._$-]{1,64}");
    static final int MAX_QUERY_PARAMS = 32;
    /** Largest JSON answer the gateway reads whole (larger ones are relayed without being read). */
    static final long MAX_READ_ANSWER = 32L << 20;
    /** Upstream list pages read per project when a client lists its objects. */
    static final int MAX_LIST_PAGES = 10;
    static final int MAX_LIST_PROJECTS = 32;

    @Inject
    KeyLeases leases;
    @Inject
    UpstreamHttp http;
    @Inject
    GatewayConfig config;
    @Inject
    UsageShipper usage;
    @Inject
    Affinity affinity;
    @Inject
    RouteTable routes;
    @Inject
    GatewayMetrics metrics;

    /** One forwarded call on its way; confined to the request's context. */
    static final class Pass {
        final RoutingContext ctx;
        final Context context;
        PassCall call;
        final String requestId = org.geminipool.contract.RandomIds.uuid();
        final Buffer body;
        final boolean streamedBody;
        JsonNode json;
        Set<String> refs = new LinkedHashSet<>();
        String project;
        /** A soft preference (steering of creates): tried first, dropped when it cannot serve. */
        String preferred;
        String owner;
        int attempts;
        int upstreamErrors;
        boolean done;

        Pass(RoutingContext ctx, Context context, PassCall call, Buffer body, boolean streamedBody) {
            this.ctx = ctx;
            this.context = context;
            this.call = call;
            this.body = body;
            this.streamedBody = streamedBody;
            this.owner = call.tokenId();
        }

        /** A body that can be sent again (buffered) may be retried on another key. */
        boolean resendable() {
            return !streamedBody;
        }
    }

    public void handle(RoutingContext ctx, PassCall call, Buffer body, boolean streamedBody) {
        Pass p = new Pass(ctx, Vertx.currentContext(), call, body, streamedBody);
        String type = ctx.request().getHeader("Content-Type");
        if (body != null && body.length() > 0 && (type == null || type.toLowerCase(Locale.ROOT).contains("json"))) {
            try {
                p.json = JSON.readTree(new ByteBufInputStream(body.getByteBuf()));
            } catch (Exception e) {
                p.json = null;
                if (type != null) {
                    fail(p, 400, "the request body is not valid JSON", null);
                    return;
                }
            }
        }
        if (call.interactionsCreate()) {
            String model = p.json == null ? null : p.json.path("model").asText(p.json.path("agent").asText(null));
            if (model == null || model.isBlank()) {
                fail(p, 400, "an interaction needs a model (or an agent)", null);
                return;
            }
            if (!ModelNames.valid(model)) {
                fail(p, 400, ModelNames.problem(model), null);
                return;
            }
            p.call = call.withModel(ModelNames.bare(model));
        }
        if (call.openAiVideoCreate() && p.json != null && p.json.path("model").isTextual()) {
            // A JSON create names its Veo model: counted against it (a multipart create is streamed, unread: quota-free).
            String model = p.json.get("model").asText();
            if (!ModelNames.valid(model)) {
                fail(p, 400, ModelNames.problem(model), null);
                return;
            }
            p.call = call.withModel(ModelNames.bare(model));
        }
        String inPath = ObjectRefs.inPath(call.path());
        if (inPath != null) {
            p.refs.add(inPath);
        }
        if (call.upload() && call.uploadId() != null) {
            String upload = ObjectRefs.upload(call.uploadId());
            if (upload == null) {
                fail(p, 400, "upload_id is not an upload id", null);
                return;
            }
            p.refs.add(upload);
        }
        p.refs.addAll(ObjectRefs.inBody(p.json));
        if (call.tokenId() == null && !call.upload()) {
            fail(p, 401, "missing client token", null);
            return;
        }
        affinity.pin(p.refs, call.tokenId()).subscribe().with(
                pin -> p.context.runOnContext(v -> onPin(p, pin)),
                failure -> p.context.runOnContext(v -> {
                    LOG.warnf("[%s] affinity lookup failed: %s", p.requestId, failure.toString());
                    fail(p, 503, "the key pool (keypool-service) is not reachable right now; try again shortly", 5L);
                }));
    }

    private void onPin(Pass p, Affinity.Pin pin) {
        if (pin instanceof Affinity.Pin.Refused refused) {
            metrics.request(ROUTE, null, "UNKNOWN_OBJECT");
            fail(p, refused.status(), refused.message(), null);
            return;
        }
        if (pin instanceof Affinity.Pin.Project pinned) {
            p.project = pinned.project();
            if (p.owner == null) {
                p.owner = pinned.owner();
            }
        }
        ObjectKind openAiListed = ObjectRefs.openAiListed(p.call.path());
        if (openAiListed != null && p.call.method() == HttpMethod.GET && p.refs.isEmpty()) {
            listOwnOpenAi(p, openAiListed);
            return;
        }
        String listed = ObjectRefs.listedCollection(p.call.path());
        if (listed != null && p.call.method() == HttpMethod.GET && p.refs.isEmpty()) {
            listOwn(p, listed);
            return;
        }
        if (p.project == null && p.refs.isEmpty() && p.owner != null && p.call.steerableCreate()) {
            affinity.preferredProject(p.owner).subscribe().with(
                    preferred -> p.context.runOnContext(v -> {
                        p.preferred = preferred;
                        lease(p);
                    }),
                    failure -> p.context.runOnContext(v -> {
                        LOG.debugf("[%s] no steering for this create: %s", p.requestId, failure.toString());
                        lease(p);
                    }));
            return;
        }
        lease(p);
    }

    // ------------------------------------------------------------------ lease and send

    private void lease(Pass p) {
        if (p.ctx.response().closed()) {
            return;
        }
        String model = p.call.generationModel();
        boolean quotaFree = model == null;
        List<String> excluded = p.project == null ? routes.current().paidPools() : List.of();
        LeaseRequest request = new LeaseRequest(null, model, p.requestId, quotaFree,
                excluded.isEmpty() ? null : excluded, null, p.project != null ? p.project : p.preferred);
        leases.lease(request).subscribe().with(
                answer -> p.context.runOnContext(v -> onLease(p, answer)),
                failure -> p.context.runOnContext(v -> onLease(p, new LeaseAnswer.Unavailable(failure.toString()))));
    }

    private void onLease(Pass p, LeaseAnswer answer) {
        if (answer instanceof LeaseAnswer.Granted granted) {
            send(p, granted.grant());
        } else if (answer instanceof LeaseAnswer.Refused && p.project == null && p.preferred != null) {
            p.preferred = null; // the preferred project cannot serve now: any project may
            lease(p);
        } else if (answer instanceof LeaseAnswer.Refused refused) {
            metrics.request(ROUTE, p.call.generationModel(), "EXHAUSTED");
            refusal(p, refused);
        } else if (answer instanceof LeaseAnswer.UnknownModel) {
            fail(p, 404, "model " + p.call.generationModel() + " is not served here", null);
        } else if (answer instanceof LeaseAnswer.Invalid invalid) {
            fail(p, 400, "the key pool refused this request: " + ProtocolErrors.scrub(invalid.why()), null);
        } else if (answer instanceof LeaseAnswer.Unavailable unavailable) {
            LOG.warnf("[%s] keypool unavailable for %s %s: %s", p.requestId, p.call.method(), p.call.path(),
                    unavailable.why());
            fail(p, 503, "the key pool (keypool-service) is not reachable right now; try again shortly", 5L);
        }
    }

    /** No key: for a pinned call, the one project that may serve it says why (design §2: never a random key). */
    void refusal(Pass p, LeaseAnswer.Refused refused) {
        String what = p.call.generationModel() == null ? "this call" : p.call.generationModel();
        if (p.project != null) {
            String objects = String.join(", ", p.refs);
            if ("ALL_BANNED".equals(refused.reason()) || "NO_KEYS".equals(refused.reason())) {
                fail(p, 403, "the Google project that created " + objects + " has no usable key in this pool ("
                        + refused.reason() + ("ALL_BANNED".equals(refused.reason()) ? ": its keys are banned"
                        : ": its keys were removed or disabled") + "); Google lets only that project use the object,"
                        + " so no other key is tried", null);
                return;
            }
            fail(p, 429, "the Google project that created " + objects + " cannot serve " + what + " now ("
                    + refused.reason() + "); Google lets only that project use the object, so no other project is"
                    + " tried; retry in " + refused.retryAfterSeconds() + " s", refused.retryAfterSeconds());
            return;
        }
        fail(p, 429, "no key of the pool can serve " + what + " now (" + refused.reason() + "); retry in "
                + refused.retryAfterSeconds() + " s", refused.retryAfterSeconds());
    }

    private void send(Pass p, LeaseGrant lease) {
        p.attempts++;
        String url;
        try {
            url = upstreamUrl(p);
        } catch (IllegalArgumentException e) {
            settle(p, lease, Classification.of(Outcome.CLIENT_ERROR), 0, System.nanoTime(), TokenUsage.NONE);
            fail(p, 400, e.getMessage(), null);
            return;
        }
        MultiMap headers = forwardHeaders(p.ctx.request().headers(), ClientAuth.presented(p.ctx.request()));
        if (p.call.openAi()) {
            headers.set("Authorization", "Bearer " + lease.apiKey());
        } else {
            headers.set("x-goog-api-key", lease.apiKey());
        }
        long start = System.nanoTime();
        http.open(p.call.method(), url, headers, p.streamedBody).onComplete(ar -> {
            if (ar.failed()) {
                onNoAnswer(p, lease, start, ar.cause());
                return;
            }
            HttpClientRequest request = ar.result();
            p.ctx.request().connection().closeHandler(v -> request.reset());
            Future<HttpClientResponse> answer;
            if (p.streamedBody) {
                String length = p.ctx.request().getHeader("Content-Length");
                if (length != null) {
                    request.putHeader("Content-Length", length.trim());
                } else if (p.ctx.request().getHeader("Transfer-Encoding") != null) {
                    request.setChunked(true);
                }
                answer = length == null && p.ctx.request().getHeader("Transfer-Encoding") == null ? request.send()
                        : request.send(p.ctx.request());
            } else if (p.body != null && p.body.length() > 0) {
                answer = request.send(p.body);
            } else {
                answer = request.send();
            }
            // Handled on the client's callback (the request's own event loop): a hop would let an empty answer end
            // before its handlers are set.
            answer.onComplete(r -> {
                if (r.failed()) {
                    onNoAnswer(p, lease, start, r.cause());
                } else {
                    onAnswer(p, lease, start, r.result());
                }
            });
        });
    }

    private void onNoAnswer(Pass p, LeaseGrant lease, long start, Throwable cause) {
        if (UpstreamHttp.isIdleTimeout(cause)) {
            settle(p, lease, Classification.of(Outcome.CLIENT_ERROR), 0, start, TokenUsage.NONE);
            fail(p, 504, "the upstream accepted the call but sent nothing for " + config.upstreamTimeout().toSeconds()
                    + " s (GEMINI_POOL_UPSTREAM_TIMEOUT)", null);
            return;
        }
        Classification c = UpstreamErrorClassifier.noAnswer();
        settle(p, lease, c, 0, start, TokenUsage.NONE).onComplete(v -> p.context.runOnContext(x -> {
            p.upstreamErrors++;
            if (p.resendable() && p.upstreamErrors <= config.maxUpstreamErrorRetries()
                    && p.attempts < config.maxAttempts() && !p.ctx.response().closed()) {
                lease(p);
            } else {
                fail(p, 502, "the upstream did not answer (" + ProtocolErrors.scrub(String.valueOf(cause.getMessage()))
                        + ")", null);
            }
        }));
    }

    private void onAnswer(Pass p, LeaseGrant lease, long start, HttpClientResponse response) {
        int status = response.statusCode();
        String type = response.getHeader("Content-Type");
        boolean json = type != null && type.toLowerCase(Locale.ROOT).contains("json");
        if (status / 100 != 2) {
            response.body().onComplete(b -> p.context.runOnContext(v -> {
                String text = b.succeeded() ? ApiKeys.scrub(b.result().toString(StandardCharsets.UTF_8), lease.apiKey())
                        : "";
                Classification c = UpstreamErrorClassifier.classify(status, text);
                settle(p, lease, c, status, start, TokenUsage.NONE).onComplete(x -> p.context.runOnContext(y -> {
                    if (retryable(p, c)) {
                        lease(p);
                        return;
                    }
                    metrics.request(ROUTE, p.call.generationModel(), c.outcome().name());
                    relayError(p, response, status, text);
                }));
            }));
            return;
        }
        String uploadUrl = response.getHeader("X-Goog-Upload-URL");
        if (p.call.uploadStart() && uploadUrl != null) {
            startedUpload(p, lease, start, response, uploadUrl);
            return;
        }
        long declared = lengthOf(response);
        boolean jsonLines = type != null && (type.toLowerCase(Locale.ROOT).contains("jsonl")
                || type.toLowerCase(Locale.ROOT).contains("ndjson"));
        if (json && !jsonLines && !p.call.download() && declared <= MAX_READ_ANSWER) {
            response.body().onComplete(b -> p.context.runOnContext(v -> {
                if (b.failed()) {
                    settle(p, lease, UpstreamErrorClassifier.noAnswer(), status, start, TokenUsage.NONE);
                    fail(p, 502, "the upstream's answer broke off", null);
                    return;
                }
                answered(p, lease, start, response, b.result());
            }));
            return;
        }
        boolean sse = type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        String file = jsonLines && p.call.method() == HttpMethod.GET ? ObjectRefs.inPath(p.call.path()) : null;
        relayStream(p, lease, start, response, sse, file != null && file.startsWith("files/") ? file : null);
    }

    private boolean retryable(Pass p, Classification c) {
        if (!p.resendable() || p.attempts >= config.maxAttempts() || p.ctx.response().closed()) {
            return false;
        }
        return switch (c.outcome()) {
            case UPSTREAM_ERROR, OVERLOADED -> ++p.upstreamErrors <= config.maxUpstreamErrorRetries();
            case INVALID_KEY, PERMISSION_DENIED, PROJECT_DENIED, RATE_LIMITED, QUOTA_EXHAUSTED_DAY, MODEL_UNAVAILABLE,
                 BILLING_DEPLETED -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ answers

    /** A 2xx JSON answer read whole: record what it created, forget what it deleted, then relay it. */
    private void answered(Pass p, LeaseGrant lease, long start, HttpClientResponse response, Buffer body) {
        JsonNode answer = null;
        try {
            answer = JSON.readTree(new ByteBufInputStream(body.getByteBuf()));
        } catch (Exception ignored) {
            // relayed as it came
        }
        TokenUsage tokens = tokensOf(answer);
        settle(p, lease, Classification.of(Outcome.SUCCESS), response.statusCode(), start, tokens);
        String batch = answer != null && p.call.method() == HttpMethod.GET && !p.call.openAi()
                ? ObjectRefs.inPath(p.call.path()) : null;
        if (batch != null && batch.startsWith("batches/")) {
            countResults(p, lease, batch, BatchResults.inline(answer));
        }
        metrics.request(ROUTE, p.call.generationModel(), Outcome.SUCCESS.name());
        List<Created> created = answer == null ? List.of() : created(p, answer);
        Future<Void> effects = Future.succeededFuture();
        for (Created c : created) {
            effects = effects.compose(v -> toFuture(affinity.record(c.name(), lease.keyId(), p.owner, c.expiresAt())));
        }
        String deleted = p.call.method() == HttpMethod.DELETE ? ObjectRefs.inPath(p.call.path()) : null;
        if (deleted != null && p.owner != null) {
            effects = effects.compose(v -> toFuture(affinity.forget(deleted, p.owner)));
        }
        effects.onComplete(v -> p.context.runOnContext(x -> {
            if (v.failed()) {
                LOG.warnf("[%s] affinity not updated after %s %s: %s", p.requestId, p.call.method(), p.call.path(),
                        v.cause().toString());
            }
            HttpServerResponse out = p.ctx.response();
            if (out.closed() || out.ended()) {
                return;
            }
            p.done = true;
            copyHeaders(response, out, lease.apiKey());
            out.setStatusCode(response.statusCode()).putHeader("x-request-id", p.requestId).end(body);
        }));
    }

    record Created(String name, Instant expiresAt) {
    }

    /**
     * What a 2xx answer created (pure): the {@code name} (or {@code file.name}, an interaction's {@code id}) of the
     * answer to a POST that named no such object itself, with Google's expiry; and any file an answer points at that
     * the request did not name (a finished Veo operation's video, a batch's responses file).
     */
    static List<Created> created(Pass p, JsonNode answer) {
        if (p.call.openAi()) {
            return openAiCreated(p.call.method(), p.refs, answer);
        }
        List<Created> out = new ArrayList<>();
        if (p.call.method() == HttpMethod.POST || p.call.method() == HttpMethod.PATCH) {
            JsonNode resource = answer.path("file").isObject() ? answer.get("file") : answer;
            String name = resource.path("name").asText(null);
            if (name != null && name.startsWith("auth_tokens/") && p.call.method() == HttpMethod.POST) {
                // A Live API ephemeral token: recorded under its hash (it is a credential), for its project.
                out.add(new Created(org.geminipool.contract.live.LiveObjects.authToken(name), null));
                return out;
            }
            if (p.call.interactions() && name == null && resource.path("id").isTextual()) {
                name = "interactions/" + resource.get("id").asText();
            }
            if (name != null && ObjectNames.valid(name) && ObjectNames.kindOf(name) != ObjectKind.OTHER
                    && (p.call.method() == HttpMethod.PATCH || !p.refs.contains(name))) {
                out.add(new Created(name, instant(resource.path("expireTime").asText(
                        resource.path("expirationTime").asText(null)))));
            }
        }
        for (String ref : ObjectRefs.inBody(answer)) {
            if (ref.startsWith("files/") && !p.refs.contains(ref) && out.stream().noneMatch(c -> c.name().equals(ref))) {
                out.add(new Created(ref, null));
            }
        }
        return out;
    }

    /**
     * What a 2xx answer of Google's OpenAI-compatible routes created (pure): the {@code file}, {@code batch} or
     * {@code video} object a POST answered with ({@code id} {@code files/…}, {@code batches/…}, a video's bare id →
     * {@code videos/<id>}) unless the request named it (a cancel answers its batch), expiring at its
     * {@code expires_at} (epoch seconds) if given; and a batch's {@code output_file_id} and {@code error_file_id}, the
     * files Google wrote into the batch's project.
     */
    static List<Created> openAiCreated(HttpMethod method, Set<String> refs, JsonNode answer) {
        List<Created> out = new ArrayList<>();
        String object = answer.path("object").asText("");
        String id = answer.path("id").asText(null);
        if (method == HttpMethod.POST && id != null && !id.isEmpty()) {
            String name = switch (object) {
                case "file" -> id.startsWith("files/") ? id : "files/" + id;
                case "batch" -> id.startsWith("batches/") ? id : "batches/" + id;
                case "video" -> "videos/" + id;
                default -> null;
            };
            if (name != null && ObjectNames.valid(name) && !refs.contains(name)) {
                JsonNode at = answer.get("expires_at");
                out.add(new Created(name, at != null && at.canConvertToLong() && at.asLong() > 0
                        ? Instant.ofEpochSecond(at.asLong()) : null));
            }
        }
        if (object.equals("batch")) {
            for (String field : List.of("output_file_id", "error_file_id")) {
                String file = answer.path(field).isTextual() ? ObjectRefs.reference("file_id", answer.get(field).asText())
                        : null;
                if (file != null && !refs.contains(file) && out.stream().noneMatch(c -> c.name().equals(file))) {
                    out.add(new Created(file, null));
                }
            }
        }
        return out;
    }

    /** A resumable start: the upload is recorded for its project and the upload URL rewritten to the gateway. */
    private void startedUpload(Pass p, LeaseGrant lease, long start, HttpClientResponse response, String uploadUrl) {
        String uploadId;
        String rewritten;
        try {
            URI upstream = URI.create(uploadUrl);
            uploadId = queryParam(upstream.getRawQuery(), "upload_id");
            rewritten = gatewayBase(p) + upstream.getRawPath() + "?upload_id=" + URLEncoder.encode(
                    uploadId == null ? "" : uploadId, StandardCharsets.UTF_8) + "&upload_protocol=resumable";
        } catch (IllegalArgumentException e) {
            uploadId = null;
            rewritten = null;
        }
        String name = uploadId == null ? null : ObjectRefs.upload(uploadId);
        if (name == null || PassCall.apiRest(URI.create(uploadUrl).getRawPath()) == null) {
            settle(p, lease, Classification.of(Outcome.SUCCESS), response.statusCode(), start, TokenUsage.NONE);
            fail(p, 502, "the upstream answered an upload URL the gateway cannot route", null);
            return;
        }
        settle(p, lease, Classification.of(Outcome.SUCCESS), response.statusCode(), start, TokenUsage.NONE);
        String url = rewritten;
        toFuture(affinity.record(name, lease.keyId(), p.owner, null)).onComplete(v -> p.context.runOnContext(x -> {
            if (v.failed()) {
                fail(p, 503, "the key pool could not record the upload; try again shortly", 5L);
                return;
            }
            response.body().onComplete(b -> p.context.runOnContext(y -> {
                HttpServerResponse out = p.ctx.response();
                if (out.closed() || out.ended()) {
                    return;
                }
                p.done = true;
                copyHeaders(response, out, lease.apiKey());
                out.putHeader("X-Goog-Upload-URL", url);
                if (response.getHeader("X-Goog-Upload-Control-URL") != null) {
                    out.putHeader("X-Goog-Upload-Control-URL", url);
                }
                out.setStatusCode(response.statusCode()).putHeader("x-request-id", p.requestId)
                        .end(b.succeeded() ? b.result() : Buffer.buffer());
            }));
        }));
    }

    /** Any other 2xx answer: relayed as it arrives, with back-pressure; an SSE stream is watched for its ids/usage. */
    private void relayStream(Pass p, LeaseGrant lease, long start, HttpClientResponse response, boolean sse,
                             String resultsFile) {
        HttpServerResponse out = p.ctx.response();
        if (out.closed()) {
            response.request().reset();
            return;
        }
        p.done = true;
        copyHeaders(response, out, lease.apiKey());
        String length = response.getHeader("Content-Length");
        if (length != null) {
            out.putHeader("Content-Length", length);
        } else {
            out.setChunked(true);
        }
        out.setStatusCode(response.statusCode()).putHeader("x-request-id", p.requestId);
        SseWatch watch = sse ? new SseWatch() : null;
        if (resultsFile != null) {
            // A JSONL file (a batch's results, native or OpenAI-compatible): relayed as it arrives, its lines' tokens
            // added up on the way (bounded per line) and counted once for the file.
            BatchResults results = new BatchResults();
            response.handler(chunk -> {
                results.feed(chunk);
                out.write(chunk);
                if (out.writeQueueFull()) {
                    response.pause();
                    out.drainHandler(v -> response.resume());
                }
            });
            response.endHandler(v -> p.context.runOnContext(x -> {
                results.end();
                streamDone(p, lease, start, response.statusCode(), null, null);
                countResults(p, lease, resultsFile, results);
                out.end();
            }));
            response.exceptionHandler(e -> p.context.runOnContext(x -> {
                streamDone(p, lease, start, response.statusCode(), null, e);
                out.reset();
            }));
            return;
        }
        if (watch != null) {
            response.handler(chunk -> {
                watch.feed(chunk);
                out.write(chunk);
                if (out.writeQueueFull()) {
                    response.pause();
                    out.drainHandler(v -> response.resume());
                }
            });
            response.endHandler(v -> p.context.runOnContext(x -> {
                streamDone(p, lease, start, response.statusCode(), watch, null);
                out.end();
            }));
            response.exceptionHandler(e -> p.context.runOnContext(x -> {
                streamDone(p, lease, start, response.statusCode(), watch, e);
                out.reset();
            }));
            return;
        }
        response.pipeTo(out).onComplete(v -> p.context.runOnContext(x ->
                streamDone(p, lease, start, response.statusCode(), null, v.failed() ? v.cause() : null)));
    }

    private void streamDone(Pass p, LeaseGrant lease, long start, int status, SseWatch watch, Throwable failure) {
        Classification c = failure == null ? Classification.of(Outcome.SUCCESS)
                : p.ctx.response().closed() ? Classification.of(Outcome.CLIENT_ERROR) : UpstreamErrorClassifier.noAnswer();
        settle(p, lease, c, status, start, watch == null ? TokenUsage.NONE : watch.tokens());
        metrics.request(ROUTE, p.call.generationModel(), c.outcome().name());
        if (watch != null && watch.interactionId != null && p.call.interactionsCreate()) {
            affinity.record("interactions/" + watch.interactionId, lease.keyId(), p.owner, null).subscribe().with(
                    v -> { }, e -> LOG.warnf("[%s] interaction not recorded: %s", p.requestId, e.toString()));
        }
    }

    /**
     * Usage of batch results (design §4; gateway README "Usage of stored objects"): the tokens of a finished batch's
     * results are counted when the results are fetched — a native inline batch's {@code GET batches/x} once done, a
     * results file's download (native {@code responsesFile}, OpenAI-compatible {@code output_file_id} content) — as
     * one usage event under the batch's model, route {@code passthrough}, target {@code batch-results}. Its event id is
     * derived from the batch's or the file's name, so however often (and on whichever gateway replica) the results
     * are fetched, usage-service, idempotent on event ids, counts them once.
     */
    private void countResults(Pass p, LeaseGrant lease, String name, BatchResults results) {
        if (results == null || results.results == 0 || !results.anyTokens()) {
            return;
        }
        String model = results.model != null && ModelNames.valid(results.model) ? results.model : "batches";
        usage.recordAhead(new UsageEvent(resultsEventId(name), Instant.now().toString(), lease.keyId(), lease.project(),
                model, ROUTE, "batch-results", "google", p.owner, Outcome.SUCCESS.name(), 200, 0L, results.prompt,
                results.completion, results.thought));
    }

    /** The one event id of a batch's (or results file's) token count: the same on every fetch and every replica. */
    static String resultsEventId(String name) {
        return UUID.nameUUIDFromBytes(("batch-results:" + name).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The tokens of a batch's results, added up: from an inline batch's answer ({@link #inline}), or from the lines of a
     * results file as they pass ({@link #feed}; a line is {@code {"key"|"custom_id", "response": …}} with Google's
     * {@code response.usageMetadata} or OpenAI's {@code response.body.usage}; lines longer than 1 MiB are skipped).
     */
    static final class BatchResults {
        static final int MAX_LINE = 1 << 20;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        private boolean skipping;
        int results;
        Long prompt;
        Long completion;
        Long thought;
        String model;

        /** A finished inline batch ({@code done}, {@code response.inlinedResponses.inlinedResponses[]}), or null. */
        static BatchResults inline(JsonNode answer) {
            if (answer == null || !answer.path("done").asBoolean(false)) {
                return null;
            }
            JsonNode items = answer.path("response").path("inlinedResponses").path("inlinedResponses");
            if (!items.isArray() || items.isEmpty()) {
                return null;
            }
            BatchResults r = new BatchResults();
            String model = answer.path("metadata").path("model").asText(null);
            r.model = model == null ? null : ModelNames.bare(model);
            for (JsonNode item : items) {
                r.add(item);
            }
            return r;
        }

        void feed(Buffer chunk) {
            for (int i = 0; i < chunk.length(); i++) {
                byte b = chunk.getByte(i);
                if (b == '\n') {
                    lineDone();
                } else if (!skipping) {
                    if (line.size() >= MAX_LINE) {
                        skipping = true;
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
        }

        void end() {
            lineDone();
        }

        private void lineDone() {
            if (!skipping && line.size() > 0) {
                try {
                    add(JSON.readTree(line.toByteArray()));
                } catch (Exception ignored) {
                    // not a JSON line: not a result
                }
            }
            skipping = false;
            line.reset();
        }

        void add(JsonNode item) {
            if (item == null || !item.isObject() || !item.path("response").isObject()) {
                return;
            }
            JsonNode response = item.get("response");
            JsonNode openAiBody = response.path("body");
            TokenUsage t = TokenUsage.from(response);
            if (t == null && openAiBody.isObject()) {
                t = TokenUsage.from(openAiBody);
            }
            if (model == null) {
                String m = openAiBody.isObject() ? openAiBody.path("model").asText(null)
                        : response.path("modelVersion").asText(null);
                model = m == null ? null : ModelNames.bare(m);
            }
            results++;
            if (t != null) {
                prompt = sum(prompt, t.promptTokens());
                completion = sum(completion, t.completionTokens());
                thought = sum(thought, t.thoughtTokens());
            }
        }

        boolean anyTokens() {
            return prompt != null || completion != null || thought != null;
        }

        private static Long sum(Long a, Long b) {
            if (b == null) {
                return a;
            }
            return a == null ? b : Long.valueOf(a + b);
        }
    }

    /**
     * Reads an SSE stream as it passes (bounded: at most 1 MiB of an unfinished event is kept): the first interaction
     * id and the last {@code usage} (Interactions' {@code interaction.created} / {@code interaction.completed}).
     */
    static final class SseWatch {
        private final StringBuilder pending = new StringBuilder();
        String interactionId;
        JsonNode usage;

        void feed(Buffer chunk) {
            if (pending.length() + chunk.length() > (1 << 20)) {
                pending.setLength(0);
                return;
            }
            pending.append(chunk.toString(StandardCharsets.UTF_8));
            int end;
            while ((end = eventEnd(pending)) >= 0) {
                String event = pending.substring(0, end);
                pending.delete(0, end);
                for (String line : event.split("\r?\n")) {
                    if (line.startsWith("data:")) {
                        read(line.substring(5).trim());
                    }
                }
            }
        }

        private static int eventEnd(StringBuilder s) {
            int lf = s.indexOf("\n\n");
            int crlf = s.indexOf("\r\n\r\n");
            if (lf < 0 && crlf < 0) {
                return -1;
            }
            if (crlf >= 0 && (lf < 0 || crlf < lf)) {
                return crlf + 4;
            }
            return lf + 2;
        }

        private void read(String data) {
            try {
                JsonNode e = JSON.readTree(data);
                JsonNode interaction = e.path("interaction");
                if (interactionId == null) {
                    String id = interaction.path("id").asText(e.path("interaction_id").asText(null));
                    if (id != null && ObjectNames.valid("interactions/" + id)) {
                        interactionId = id;
                    }
                }
                JsonNode u = interaction.path("usage").isObject() ? interaction.get("usage") : e.get("usage");
                if (u != null && u.isObject()) {
                    usage = u;
                }
            } catch (Exception ignored) {
                // not JSON: passed on untouched
            }
        }

        TokenUsage tokens() {
            return interactionTokens(usage);
        }
    }

    /** Tokens of an answer: generateContent's usageMetadata, or Interactions' usage.total_* fields. */
    static TokenUsage tokensOf(JsonNode answer) {
        if (answer == null) {
            return TokenUsage.NONE;
        }
        TokenUsage t = TokenUsage.from(answer);
        if (t != null && answer.has("usageMetadata")) {
            return t;
        }
        return interactionTokens(answer.get("usage"));
    }

    static TokenUsage interactionTokens(JsonNode u) {
        if (u == null || !u.isObject() || !u.has("total_input_tokens") && !u.has("total_output_tokens")) {
            return TokenUsage.NONE;
        }
        return new TokenUsage(number(u, "total_input_tokens"), number(u, "total_output_tokens"),
                number(u, "total_thought_tokens"));
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.asLong() : null;
    }

    // ------------------------------------------------------------------ lists: only the caller's objects

    /**
     * {@code GET /v1beta/files} (cachedContents, batches, fileSearchStores): Google lists a whole project, and a
     * client's objects may lie in several projects. The gateway lists each project that holds the caller's objects
     * (quota-free, at most {@link #MAX_LIST_PAGES} pages of 100 each), keeps only the caller's, and pages the merged
     * list itself ({@code pageToken} is an offset).
     */
    private void listOwn(Pass p, String collection) {
        ObjectKind kind = ObjectNames.kindOf(collection + "/x");
        affinity.list(p.owner, kind).subscribe().with(
                own -> p.context.runOnContext(v -> listProjects(p, collection, own)),
                failure -> p.context.runOnContext(v -> fail(p, 503, "the key pool (keypool-service) is not reachable"
                        + " right now; try again shortly", 5L)));
    }

    private void listProjects(Pass p, String collection, List<StoredObject> own) {
        Map<String, Set<String>> byProject = new LinkedHashMap<>();
        for (StoredObject o : own) {
            byProject.computeIfAbsent(o.project(), k -> new LinkedHashSet<>()).add(o.name());
        }
        if (byProject.isEmpty()) {
            respondJson(p, 200, JSON.createObjectNode());
            return;
        }
        List<String> projects = new ArrayList<>(byProject.keySet());
        if (projects.size() > MAX_LIST_PROJECTS) {
            projects = projects.subList(0, MAX_LIST_PROJECTS);
        }
        ArrayNode items = JSON.createArrayNode();
        String[] field = new String[1];
        listProject(p, collection, projects, 0, null, 0, byProject, items, field);
    }

    private void listProject(Pass p, String collection, List<String> projects, int index, String pageToken, int page,
                             Map<String, Set<String>> byProject, ArrayNode items, String[] field) {
        if (index >= projects.size()) {
            listAnswer(p, items, field[0] == null ? collection : field[0]);
            return;
        }
        String project = projects.get(index);
        LeaseRequest request = new LeaseRequest(null, null, p.requestId, true, null, null, project);
        leases.lease(request).subscribe().with(answer -> p.context.runOnContext(v -> {
            if (!(answer instanceof LeaseAnswer.Granted granted)) {
                // A project without a usable key cannot list its objects now: the others still are.
                listProject(p, collection, projects, index + 1, null, 0, byProject, items, field);
                return;
            }
            LeaseGrant lease = granted.grant();
            String url = trim(config.geminiBaseUrl()) + p.call.path() + "?pageSize=100"
                    + (pageToken == null ? "" : "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("x-goog-api-key", lease.apiKey());
            getListPage(p, lease, url, headers, body -> {
                String next = null;
                if (body != null) {
                    try {
                        JsonNode page0 = JSON.readTree(body.getBytes());
                        for (var it = page0.fields(); it.hasNext(); ) {
                            var e = it.next();
                            if (e.getValue().isArray()) {
                                field[0] = e.getKey();
                                for (JsonNode item : e.getValue()) {
                                    String name = item.path("name").asText(item.path("metadata").path("name")
                                            .asText(null));
                                    if (name != null && byProject.get(project).contains(name)) {
                                        items.add(item);
                                    }
                                }
                            }
                        }
                        next = page0.path("nextPageToken").asText(null);
                    } catch (Exception e) {
                        next = null;
                    }
                }
                if (next != null && !next.isEmpty() && page + 1 < MAX_LIST_PAGES) {
                    listProject(p, collection, projects, index, next, page + 1, byProject, items, field);
                } else {
                    listProject(p, collection, projects, index + 1, null, 0, byProject, items, field);
                }
            });
        }), failure -> p.context.runOnContext(v -> fail(p, 503, "the key pool (keypool-service) is not reachable"
                + " right now; try again shortly", 5L)));
    }

    /**
     * {@code GET /v1beta/openai/files} ({@code batches}, {@code videos}): like {@link #listOwn}, in OpenAI's list shape.
     * Each project holding the caller's objects of the kind is listed (quota-free, {@code limit=100}, following
     * {@code has_more}/{@code after} for at most {@link #MAX_LIST_PAGES} pages), only the caller's items are kept,
     * newest first, and the merged list is paged by the gateway: {@code limit} (1-1000, default 100) and {@code after}
     * (the id of the last item of the previous page), answered with {@code has_more}, {@code first_id},
     * {@code last_id}.
     */
    private void listOwnOpenAi(Pass p, ObjectKind kind) {
        affinity.list(p.owner, kind).subscribe().with(
                own -> p.context.runOnContext(v -> {
                    Map<String, Set<String>> byProject = new LinkedHashMap<>();
                    for (StoredObject o : own) {
                        byProject.computeIfAbsent(o.project(), k -> new LinkedHashSet<>()).add(o.name());
                    }
                    List<String> projects = new ArrayList<>(byProject.keySet());
                    if (projects.size() > MAX_LIST_PROJECTS) {
                        projects = projects.subList(0, MAX_LIST_PROJECTS);
                    }
                    listOpenAiProject(p, kind, projects, 0, null, 0, byProject, new ArrayList<>());
                }),
                failure -> p.context.runOnContext(v -> fail(p, 503, "the key pool (keypool-service) is not reachable"
                        + " right now; try again shortly", 5L)));
    }

    /** The name an OpenAI list item is recorded under ({@code files/…}, {@code batches/…}, {@code videos/<id>}). */
    static String openAiName(ObjectKind kind, JsonNode item) {
        String id = item.path("id").asText("");
        return switch (kind) {
            case FILE -> id.startsWith("files/") ? id : "files/" + id;
            case BATCH -> id.startsWith("batches/") ? id : "batches/" + id;
            default -> "videos/" + id;
        };
    }

    private void listOpenAiProject(Pass p, ObjectKind kind, List<String> projects, int index, String after, int page,
                                   Map<String, Set<String>> byProject, List<JsonNode> items) {
        if (index >= projects.size()) {
            openAiListAnswer(p, items);
            return;
        }
        String project = projects.get(index);
        LeaseRequest request = new LeaseRequest(null, null, p.requestId, true, null, null, project);
        leases.lease(request).subscribe().with(answer -> p.context.runOnContext(v -> {
            if (!(answer instanceof LeaseAnswer.Granted granted)) {
                listOpenAiProject(p, kind, projects, index + 1, null, 0, byProject, items);
                return;
            }
            LeaseGrant lease = granted.grant();
            String url = trim(config.geminiBaseUrl()) + p.call.path() + "?limit=100"
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("Authorization", "Bearer " + lease.apiKey());
            getListPage(p, lease, url, headers, body -> {
                String next = null;
                if (body != null) {
                    try {
                        JsonNode list = JSON.readTree(body.getBytes());
                        String last = null;
                        for (JsonNode item : list.path("data")) {
                            last = item.path("id").asText(null);
                            if (byProject.get(project).contains(openAiName(kind, item))) {
                                items.add(item);
                            }
                        }
                        next = list.path("has_more").asBoolean(false) ? last : null;
                    } catch (Exception e) {
                        next = null;
                    }
                }
                if (next != null && !next.isEmpty() && page + 1 < MAX_LIST_PAGES) {
                    listOpenAiProject(p, kind, projects, index, next, page + 1, byProject, items);
                } else {
                    listOpenAiProject(p, kind, projects, index + 1, null, 0, byProject, items);
                }
            });
        }), failure -> p.context.runOnContext(v -> fail(p, 503, "the key pool (keypool-service) is not reachable"
                + " right now; try again shortly", 5L)));
    }

    /**
     * One page of a merged list: a quota-free GET of {@code url} with the project's leased key, the lease settled by
     * the answer (a success, or the upstream's refusal classified); {@code then} gets the body of a 200, or null for
     * any other answer or none, on the request's context.
     */
    private void getListPage(Pass p, LeaseGrant lease, String url, MultiMap headers, Consumer<Buffer> then) {
        long start = System.nanoTime();
        http.send(HttpMethod.GET, url, headers, null).compose(r -> r.body().map(b -> Map.entry(r.statusCode(), b)))
                .onComplete(ar -> p.context.runOnContext(x -> {
                    int status = ar.succeeded() ? ar.result().getKey() : 0;
                    if (status == 200) {
                        settle(p, lease, Classification.of(Outcome.SUCCESS), status, start, TokenUsage.NONE);
                        then.accept(ar.result().getValue());
                    } else {
                        settle(p, lease, ar.succeeded() ? UpstreamErrorClassifier.classify(status,
                                ApiKeys.scrub(ar.result().getValue().toString(StandardCharsets.UTF_8),
                                        lease.apiKey())) : UpstreamErrorClassifier.noAnswer(), status, start,
                                TokenUsage.NONE);
                        then.accept(null);
                    }
                }));
    }

    private void openAiListAnswer(Pass p, List<JsonNode> items) {
        int limit = 100;
        String limitParam = p.ctx.request().getParam("limit");
        if (limitParam != null) {
            try {
                limit = Math.max(1, Math.min(1000, Integer.parseInt(limitParam.trim())));
            } catch (NumberFormatException e) {
                fail(p, 400, "limit must be a number from 1 to 1000", null);
                return;
            }
        }
        List<JsonNode> sorted = new ArrayList<>(items);
        sorted.sort((a, b) -> Long.compare(b.path("created_at").asLong(0), a.path("created_at").asLong(0)));
        int from = 0;
        String after = p.ctx.request().getParam("after");
        if (after != null && !after.isEmpty()) {
            from = sorted.size();
            for (int i = 0; i < sorted.size(); i++) {
                if (after.equals(sorted.get(i).path("id").asText(null))) {
                    from = i + 1;
                    break;
                }
            }
        }
        ObjectNode answer = JSON.createObjectNode().put("object", "list");
        ArrayNode data = answer.putArray("data");
        int to = Math.min(sorted.size(), from + limit);
        for (int i = from; i < to; i++) {
            data.add(sorted.get(i));
        }
        answer.put("has_more", to < sorted.size());
        if (!data.isEmpty()) {
            answer.put("first_id", data.get(0).path("id").asText());
            answer.put("last_id", data.get(data.size() - 1).path("id").asText());
        }
        metrics.request(ROUTE, null, Outcome.SUCCESS.name());
        respondJson(p, 200, answer);
    }

    private void listAnswer(Pass p, ArrayNode items, String field) {
        int size = 100;
        int offset = 0;
        try {
            String ps = p.ctx.request().getParam("pageSize");
            if (ps != null) {
                size = Math.max(1, Math.min(1000, Integer.parseInt(ps.trim())));
            }
            String pt = p.ctx.request().getParam("pageToken");
            if (pt != null && !pt.isEmpty()) {
                offset = Math.max(0, Integer.parseInt(pt.trim()));
            }
        } catch (NumberFormatException e) {
            fail(p, 400, "pageSize and pageToken must be numbers (the pool pages a client's own objects itself)", null);
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        if (offset < items.size()) {
            ArrayNode page = answer.putArray(field);
            for (int i = offset; i < Math.min(items.size(), offset + size); i++) {
                page.add(items.get(i));
            }
            if (offset + size < items.size()) {
                answer.put("nextPageToken", Integer.toString(offset + size));
            }
        }
        metrics.request(ROUTE, null, Outcome.SUCCESS.name());
        respondJson(p, 200, answer);
    }

    // ------------------------------------------------------------------ helpers

    private String upstreamUrl(Pass p) {
        StringBuilder url = new StringBuilder(trim(config.geminiBaseUrl())).append(p.call.path());
        int n = 0;
        for (Map.Entry<String, String> e : p.ctx.queryParams()) {
            if (QUERY_DROP.contains(e.getKey())) {
                continue;
            }
            if (!QUERY_NAME.matcher(e.getKey()).matches() || ++n > MAX_QUERY_PARAMS) {
                throw new IllegalArgumentException("query parameter names are 1-64 characters of [A-Za-z0-9._$-], at"
                        + " most " + MAX_QUERY_PARAMS);
            }
            url.append(n == 1 ? '?' : '&').append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return url.toString();
    }

    /** The client's headers minus hop-by-hop, credentials and anything carrying the client's token. */
    static MultiMap forwardHeaders(MultiMap in, String clientToken) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> h : in) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (REQUEST_DROP.contains(name) || name.startsWith("x-gemini-pool")
                    || (clientToken != null && h.getValue().contains(clientToken))) {
                continue;
            }
            out.add(h.getKey(), h.getValue());
        }
        return out;
    }

    private static void copyHeaders(HttpClientResponse from, HttpServerResponse to, String apiKey) {
        for (Map.Entry<String, String> h : from.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (RESPONSE_DROP.contains(name) || h.getValue().contains(apiKey)) {
                continue;
            }
            to.headers().add(h.getKey(), h.getValue());
        }
    }

    private void relayError(Pass p, HttpClientResponse response, int status, String scrubbedBody) {
        HttpServerResponse out = p.ctx.response();
        if (out.closed() || out.ended()) {
            return;
        }
        p.done = true;
        for (String h : List.of("X-Goog-Upload-Status", "Retry-After")) {
            if (response.getHeader(h) != null) {
                out.putHeader(h, response.getHeader(h));
            }
        }
        String type = response.getHeader("Content-Type");
        out.setStatusCode(status).putHeader("Content-Type", type == null ? "application/json; charset=UTF-8" : type)
                .putHeader("x-request-id", p.requestId).end(scrubbedBody);
    }

    private void respondJson(Pass p, int status, JsonNode body) {
        HttpServerResponse out = p.ctx.response();
        if (out.closed() || out.ended()) {
            return;
        }
        p.done = true;
        out.setStatusCode(status).putHeader("Content-Type", "application/json; charset=UTF-8")
                .putHeader("x-request-id", p.requestId).end(body.toString());
    }

    private Future<Void> settle(Pass p, LeaseGrant lease, Classification c, int status, long start, TokenUsage tokens) {
        long nanos = System.nanoTime() - start;
        metrics.upstream("google", c.outcome().name(), nanos);
        String model = p.call.generationModel() != null ? p.call.generationModel() : p.call.label();
        usage.recordAhead(new UsageEvent(org.geminipool.contract.RandomIds.timeOrdered(), Instant.now().toString(), lease.keyId(),
                lease.project(), model, ROUTE, p.call.label(), "google", p.owner, c.outcome().name(),
                status == 0 ? null : status, nanos / 1_000_000, tokens.promptTokens(), tokens.completionTokens(),
                tokens.thoughtTokens()));
        if (lease.leaseId() == null) {
            return Future.succeededFuture();
        }
        io.vertx.core.Promise<Void> promise = io.vertx.core.Promise.promise();
        leases.report(lease, KeyLeases.reportOf(c, tokens))
                .subscribe().with(v -> promise.tryComplete(), e -> promise.tryComplete());
        return promise.future();
    }

    private void fail(Pass p, int status, String message, Long retryAfter) {
        p.done = true;
        error(p.ctx, p.call.path(), status, message, retryAfter, p.requestId);
    }

    /**
     * The gateway's own error in the envelope of the path: Interactions' {@code {"error":{"code":"not_found",…}}}
     * (a string code), OpenAI's on {@code /v1beta/openai/}, Google's numeric one elsewhere.
     */
    public static void error(RoutingContext ctx, String path, int status, String message, Long retryAfter,
                             String requestId) {
        HttpServerResponse out = ctx.response();
        if (out.closed() || out.ended() || out.headWritten()) {
            return;
        }
        String api = PassCall.apiRest(path == null ? "" : path);
        String safe = ProtocolErrors.scrub(message);
        String body;
        if (api != null && (api.equals("interactions") || api.startsWith("interactions/"))) {
            ObjectNode e = JSON.createObjectNode();
            e.putObject("error").put("code", ProtocolErrors.googleStatus(status).toLowerCase(Locale.ROOT))
                    .put("message", safe);
            body = e.toString();
        } else if (api != null && api.startsWith("openai/")) {
            body = ProtocolErrors.openAiError(status, safe).toString();
        } else {
            body = ProtocolErrors.googleError(status, safe).toString();
        }
        if (retryAfter != null) {
            out.putHeader("Retry-After", Long.toString(retryAfter));
        }
        out.setStatusCode(status).putHeader("Content-Type", "application/json; charset=UTF-8");
        if (requestId != null) {
            out.putHeader("x-request-id", requestId);
        }
        out.end(body);
    }

    private String gatewayBase(Pass p) {
        String proto = p.ctx.request().getHeader("X-Forwarded-Proto");
        String scheme = "https".equalsIgnoreCase(proto) || "http".equalsIgnoreCase(proto) ? proto.toLowerCase(Locale.ROOT)
                : p.ctx.request().scheme();
        String host = p.ctx.request().getHeader("Host");
        if (host == null || !host.matches("[A-Za-z0-9.\\-\\[\\]:]{1,255}")) {
            host = p.ctx.request().localAddress().host() + ":" + p.ctx.request().localAddress().port();
        }
        return scheme + "://" + host;
    }

    private static String queryParam(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static long lengthOf(HttpClientResponse response) {
        String l = response.getHeader("Content-Length");
        try {
            return l == null ? 0 : Long.parseLong(l.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Instant instant(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String trim(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static <T> Future<T> toFuture(io.smallrye.mutiny.Uni<T> uni) {
        io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
        uni.subscribe().with(promise::tryComplete, promise::tryFail);
        return promise.future();
    }
}
