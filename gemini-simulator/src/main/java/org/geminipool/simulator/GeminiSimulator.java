package org.geminipool.simulator;

import org.geminipool.simulator.internal.SimServer;
import org.geminipool.simulator.internal.SimState;

import java.time.Duration;
import java.time.Instant;

/**
 * A faithful stand-in for Google's Gemini API (native {@code /v1beta}, OpenAI-compatible {@code /v1beta/openai}) and
 * for an OpenRouter-like endpoint ({@code /api/v1}), on plain Vert.x so it can run inside any test JVM.
 * Thread-safe. See gemini-simulator/README.md for the wire details and the {@code /_sim/} admin API.
 */
public final class GeminiSimulator implements AutoCloseable {

    private final SimState state;
    private final SimServer server;
    private final String host;

    private GeminiSimulator(SimState state, SimServer server, String host) {
        this.state = state;
        this.server = server;
        this.host = host;
    }

    /** Starts on 127.0.0.1; {@code port} 0 picks a free port. Returns once the server is listening. */
    public static GeminiSimulator start(int port) {
        return start("127.0.0.1", port);
    }

    /** Starts on the given interface (e.g. 0.0.0.0 for a demo reachable from elsewhere). */
    public static GeminiSimulator start(String host, int port) {
        SimState state = new SimState();
        return new GeminiSimulator(state, SimServer.start(state, host, port), host);
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:<port>}; Gemini native at {@code {baseUrl}/v1beta/...}. */
    public String baseUrl() {
        String h = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
        return "http://" + h + ":" + port();
    }

    /** Adds a key (or replaces its project and status). A null/blank project makes the key its own project. */
    public void addKey(String apiKey, String project, KeyStatus status) {
        state.addKey(apiKey, project, status);
    }

    public void setKeyStatus(String apiKey, KeyStatus status) {
        state.setKeyStatus(apiKey, status);
    }

    /**
     * Sets the free-tier requests per minute and per day of a model's quota model (so of every ID sharing it); an
     * unknown model name becomes a served model. The input-token limit stays, except that 0 (no free tier) becomes
     * unlimited once requests are allowed.
     */
    public void setDefaultQuota(String model, int rpm, int rpd) {
        state.setDefaultQuota(model, rpm, rpd);
    }

    /** Free-tier limits of a model's quota model, input tokens per minute included ({@code -1} = no token limit). */
    public void setDefaultQuota(String model, int rpm, int rpd, int tpm) {
        state.setTierQuota(ProjectTier.FREE, model, rpm, rpd, tpm);
    }

    /** The limits of a model's quota model for every project of {@code tier} that has no override of its own. */
    public void setTierQuota(ProjectTier tier, String model, int rpm, int rpd, int tpm) {
        state.setTierQuota(tier, model, rpm, rpd, tpm);
    }

    /**
     * The default limits of a family ({@code flash-lite}, {@code flash}, {@code pro}, {@code image},
     * {@code embedding}, {@code tts}, {@code live}, {@code gemma}, {@code other}) for a tier; README "Quotas".
     */
    public void setFamilyQuota(ProjectTier tier, String family, int rpm, int rpd, int tpm) {
        state.setFamilyQuota(tier, family, rpm, rpd, tpm);
    }

    /** A project's own requests per minute and per day for a model's quota model, overriding the defaults. */
    public void setProjectQuota(String project, String model, int rpm, int rpd) {
        state.setProjectQuota(project, model, rpm, rpd);
    }

    /** A project's own limits for a model's quota model, input tokens per minute included ({@code -1} = none). */
    public void setProjectQuota(String project, String model, int rpm, int rpd, int tpm) {
        state.setProjectQuota(project, model, rpm, rpd, tpm);
    }

    /** FREE (default) or PAID: picks the default limits and the quotaIds of the project's 429s. */
    public void setProjectTier(String project, ProjectTier tier) {
        state.setProjectTier(project, tier);
    }

    /**
     * Makes {@code model} count on {@code quotaModel}'s buckets and be named so in 429s ({@code quotaDimensions.model}).
     * Defaults: the 3.1 pro previews → {@code gemini-3.1-pro}; every other model → its own ID; an alias → its target's.
     */
    public void setQuotaModel(String model, String quotaModel) {
        state.setQuotaModel(model, quotaModel);
    }

    /** The quota model a model ID counts on (aliases and auto-routes followed); the ID itself when unknown. */
    public String quotaModel(String model) {
        return state.quotaModelOf(model);
    }

    /** A legacy project keeps serving models closed to new projects ({@link Retirement#CLOSED_TO_NEW}). */
    public void setProjectLegacy(String project, boolean legacy) {
        state.setProjectLegacy(project, legacy);
    }

    /** 403 "Your project has been denied access. Please contact support." on every route, for every key of it. */
    public void setProjectDenied(String project) {
        state.setProjectDenied(project, true);
    }

    public void setProjectDenied(String project, boolean denied) {
        state.setProjectDenied(project, denied);
    }

    /** 429 "Your prepayment credits are depleted. …" (no details) on quota-bearing calls; free calls still serve. */
    public void setPrepayDepleted(String project, boolean depleted) {
        state.setPrepayDepleted(project, depleted);
    }

    /** 400 FAILED_PRECONDITION "User location is not supported for the API use." on every route, for every key. */
    public void setLocationUnsupported(boolean unsupported) {
        state.setLocationUnsupported(unsupported);
    }

    /** Registers a Files API object as the project's own, so a {@code fileData.fileUri} naming it is served. */
    public void addFile(String project, String fileId) {
        state.addFile(project, fileId);
    }

    /** Registers a cache as the project's own, so a {@code cachedContent} naming it is served. */
    public void addCachedContent(String project, String cacheId) {
        state.addCachedContent(project, cacheId);
    }

    /** Serves a new model ID like an existing one (same kind, family, methods), on its own quota model. */
    public void addModel(String name, String likeModel) {
        state.addModel(name, likeModel);
    }

    /** Forgets a model ID (or alias): afterwards it answers the plain "not found" 404. */
    public void removeModel(String name) {
        state.removeModel(name);
    }

    /** Retires a model ID: shut down for everyone, or closed to projects that are not legacy. */
    public void retireModel(String name, Retirement how) {
        state.retireModel(name, how);
    }

    /** {@code from} answers 200 served by {@code to} ({@code modelVersion} = to, counted on to's bucket); unlisted. */
    public void autoRoute(String from, String to) {
        state.autoRoute(from, to);
    }

    /** Points a {@code -latest} alias at another served model. */
    public void setAliasTarget(String alias, String target) {
        state.setAliasTarget(alias, target);
    }

    /** Marks the (project, model) day as spent: per-day 429 until the simulator clock passes Pacific midnight. */
    public void exhaustDay(String project, String model) {
        state.exhaustDay(project, model);
    }

    /** Moves the simulator clock forward (or back, with a negative duration): clock = real clock + offset. */
    public void advanceClock(Duration d) {
        state.advanceClock(d);
    }

    public Instant now() {
        return state.now();
    }

    /**
     * The next {@code count} quota-bearing calls (any key) answer {@code httpStatus} (500, 502, 503 or 504); a 503
     * carries the 2026 "high demand" text.
     */
    public void failNext(int count, int httpStatus) {
        state.failNext(count, httpStatus);
    }

    /** As {@link #failNext(int, int)}, choosing the text of an injected 503. */
    public void failNext(int count, int httpStatus, UnavailableText text) {
        state.failNext(count, httpStatus, text);
    }

    /** The next {@code count} streaming calls send some chunks, then a raw JSON 503 error, then end. */
    public void failMidStreamNext(int count) {
        state.failMidStreamNext(count);
    }

    /** The next {@code count} OpenRouter calls answer {@code httpStatus} in OpenRouter's error shape. */
    public void failOpenRouterNext(int count, int httpStatus) {
        state.failOpenRouterNext(count, httpStatus);
    }

    /** Fixed delay before every answer, and a delay between streamed chunks. Zero by default. */
    public void setLatency(Duration fixed, Duration perStreamChunk) {
        state.setLatency(fixed, perStreamChunk);
    }

    /** Registers an OpenRouter key with its own requests-per-minute limit. */
    public void setOpenRouterKey(String bearerKey, int rpm) {
        state.setOpenRouterKey(bearerKey, rpm);
    }

    /** Whether batchEmbedContents (and a list input to OpenAI embeddings) counts one request per item (default) or one. */
    public void setBatchEmbedCountsPerItem(boolean perItem) {
        state.setBatchEmbedCountsPerItem(perItem);
    }

    /** Requests answered 2xx for this key (every route, including models and countTokens). */
    public long accepted(String apiKey) {
        return state.accepted(apiKey);
    }

    /** Requests answered non-2xx for this key (invalid/suspended key, 4xx, 429, injected failures). */
    public long refused(String apiKey) {
        return state.refused(apiKey);
    }

    /** Quota-bearing calls of this (project, model's quota model) that were served. */
    public long accepted(String project, String model) {
        return state.accepted(project, model);
    }

    /** Quota-bearing calls of this (project, model's quota model) refused with 429 or an injected failure. */
    public long refused(String project, String model) {
        return state.refused(project, model);
    }

    /**
     * Used so far in the current windows of (project, the model's quota model):
     * {@code {requests this minute, requests this Pacific day, input tokens this minute}}.
     */
    public int[] used(String project, String model) {
        return state.used(project, model);
    }

    public long openRouterAccepted() {
        return state.openRouterAccepted();
    }

    public long openRouterRefused() {
        return state.openRouterRefused();
    }

    /** The body of the last POST this key (or OpenRouter bearer key) sent, on any route; null when none. */
    public String lastRequestBody(String apiKey) {
        return state.lastBody(apiKey);
    }

    /**
     * The request lines ({@code "METHOD uri"}, the raw request target as received, query included) of the last 10,000
     * requests on the Google and OpenRouter routes, oldest first; for tests that check which paths reached "Google".
     */
    public java.util.List<String> requestLog() {
        return state.requestLog();
    }

    public void clearRequestLog() {
        state.clearRequestLog();
    }

    public void resetCounters() {
        state.resetCounters();
    }

    /**
     * Forgets keys, quota and tier settings, project states, files and caches, catalogue changes, buckets, counters,
     * clock offset, injected failures, latency, OpenRouter keys.
     */
    public void reset() {
        state.reset();
    }

    /** The project a key without a project label belongs to. */
    public static String ownProject(String apiKey) {
        return SimState.ownProject(apiKey);
    }

    @Override
    public void close() {
        server.close();
    }

    // ---------------------------------------------------------------- project objects (README "Project objects")

    /** How many GETs a batch takes to finish (default 2: RUNNING at the first, SUCCEEDED at the second). */
    public void setBatchPolls(int polls) {
        state.objectSettings().setBatchPolls(polls);
    }

    /** How many GETs a long-running operation (Veo, File Search import/upload) takes to be done (default 2). */
    public void setOperationPolls(int polls) {
        state.objectSettings().setOperationPolls(polls);
    }

    /** How many GETs a background interaction takes to complete (default 2). */
    public void setInteractionPolls(int polls) {
        state.objectSettings().setInteractionPolls(polls);
    }

    /** How many files.get calls a video or audio upload stays PROCESSING (default 1; 0 = ACTIVE at once). */
    public void setVideoFilePolls(int polls) {
        state.objectSettings().setVideoFilePolls(polls);
    }

    /** Batch buckets per project: pending/running batches (default 100) and enqueued tokens per quota model. */
    public void setBatchLimits(int concurrentBatches, long enqueuedTokens) {
        state.objectSettings().setBatchLimits(concurrentBatches, enqueuedTokens);
    }

    /** The smallest cache in tokens (Google: 1024). */
    public void setCacheMinTokens(int tokens) {
        state.objectSettings().setCacheMinTokens(tokens);
    }

    /** Uploads up to this many bytes keep their bytes on disk (JSONL batch input); larger ones are only counted. */
    public void setKeepUploadBytesUpTo(long bytes) {
        state.objectSettings().setKeepBytesUpTo(bytes);
    }

    /**
     * Live API: concurrent sessions per project (default 3), milliseconds from setup to the goAway (default 9 min) and
     * the goAway's timeLeft before the server closes (default 60 s).
     */
    public void setLive(int concurrentSessions, long goAwayAfterMs, long goAwayNoticeMs) {
        state.objectSettings().setLive(concurrentSessions, goAwayAfterMs, goAwayNoticeMs);
    }

    /** Live API sessions open now, per project (a project with none is absent); also in {@code GET /_sim/state}. */
    public java.util.Map<String, Integer> liveSessionsOpen() {
        return state.liveSessionsOpen();
    }

    /** The ids of a project's stored objects per kind (FILE, CACHE, BATCH, INTERACTION, OPERATION, STORE, OPENAI_VIDEO). */
    public java.util.Map<String, java.util.List<String>> objects(String project) {
        java.util.Map<String, java.util.List<String>> out = new java.util.LinkedHashMap<>();
        state.objects().summary().forEach((kind, byProject) ->
                out.put(kind, byProject.getOrDefault(project, java.util.List.of())));
        return out;
    }

    /** The project that owns a file ({@code files/<id>} or {@code <id>}), or null. */
    public String fileOwner(String fileId) {
        org.geminipool.simulator.internal.ProjectObjects.FileObj f = state.objects().findAnywhere(
                org.geminipool.simulator.internal.ProjectObjects.Kind.FILE,
                fileId.startsWith("files/") ? fileId.substring(6) : fileId);
        return f == null ? null : f.project;
    }

    /**
     * One logged request: its line, the project charged (or owning the object), the key's mask, the status, and its
     * headers as "name: value" (the presented key's value masked; everything else as received).
     */
    public record LoggedRequest(String line, String project, String keyMask, int status, java.util.List<String> headers) {
    }

    /** The request log with who called: each entry's line, project, masked key, status and headers. */
    public java.util.List<LoggedRequest> requestRecords() {
        return state.requestRecords().stream()
                .map(r -> new LoggedRequest(r.line, r.project(), r.keyMask, r.status(), r.headers)).toList();
    }

    /** The request lines one key sent (matched by hash; the log keeps no key). */
    public java.util.List<String> requestLog(String apiKey) {
        return state.requestRecords().stream().filter(r -> r.sentBy(apiKey)).map(r -> r.line).toList();
    }
}
