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

    /** Sets the default (free-tier) limits of a model; an unknown model name becomes a served model. */
    public void setDefaultQuota(String model, int rpm, int rpd) {
        state.setDefaultQuota(model, rpm, rpd);
    }

    /** A project's own limits for a model (a paid project), overriding the default. */
    public void setProjectQuota(String project, String model, int rpm, int rpd) {
        state.setProjectQuota(project, model, rpm, rpd);
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

    /** The next {@code count} quota-bearing calls (any key) answer {@code httpStatus} (500 INTERNAL or 503 UNAVAILABLE). */
    public void failNext(int count, int httpStatus) {
        state.failNext(count, httpStatus);
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

    /** Quota-bearing calls of this (project, model) that were served. */
    public long accepted(String project, String model) {
        return state.accepted(project, model);
    }

    /** Quota-bearing calls of this (project, model) refused with 429 or an injected failure. */
    public long refused(String project, String model) {
        return state.refused(project, model);
    }

    /** Requests left in the current minute and Pacific day for (project, model): {@code {minute, day}} used so far. */
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

    /** Forgets keys, quota overrides, buckets, counters, clock offset, injected failures, latency, OpenRouter keys. */
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
}
