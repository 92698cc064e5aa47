package org.geminipool.simulator.internal;

import org.geminipool.simulator.KeyStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All mutable state of the simulator: keys, quotas, buckets, counters, clock, injected failures.
 * Every method is synchronized: the HTTP side (one event loop) and the test thread both call in.
 *
 * <p>Quota accounting follows Google's published rules (ai.google.dev/gemini-api/docs/rate-limits):
 * "Rate limits are applied per project, not per API key", requests per minute in fixed windows, and
 * "Requests per day (RPD) quotas reset at midnight Pacific time". A refused (429) request consumes nothing.
 */
public final class SimState {

    public static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    public record KeyEntry(String project, KeyStatus status) {
    }

    /** One violated limit, as it will appear in a google.rpc.QuotaFailure. */
    public record Violation(boolean perDay, String model, int limit, boolean embed) {
        public String quotaId() {
            String window = perDay ? "PerDay" : "PerMinute";
            return embed
                    ? "EmbedContentRequests" + window + "PerProjectPerModel-FreeTier"
                    : "GenerateRequests" + window + "PerProjectPerModel-FreeTier";
        }

        public String quotaMetric() {
            return embed
                    ? "generativelanguage.googleapis.com/embed_content_free_tier_requests"
                    : "generativelanguage.googleapis.com/generate_content_free_tier_requests";
        }
    }

    /** Outcome of {@link #admit}. Exactly one of the three shapes. */
    public record Decision(List<Violation> violations, double retrySeconds, int injectedStatus, boolean midStreamFailure) {
        public boolean ok() {
            return violations.isEmpty() && injectedStatus == 0;
        }

        public boolean quotaRefused() {
            return !violations.isEmpty();
        }
    }

    private static final class Bucket {
        long minute = Long.MIN_VALUE;
        int minuteCount;
        LocalDate day;
        int dayCount;
        LocalDate exhaustedDay;

        void roll(long minuteIndex, LocalDate today) {
            if (minute != minuteIndex) {
                minute = minuteIndex;
                minuteCount = 0;
            }
            if (!today.equals(day)) {
                day = today;
                dayCount = 0;
            }
        }
    }

    private static final class OpenRouterKey {
        int rpm;
        long minute = Long.MIN_VALUE;
        int count;
    }

    private final Map<String, KeyEntry> keys = new HashMap<>();
    private final Map<String, Quota> defaultQuotas = new HashMap<>();
    private final Map<String, Quota> projectQuotas = new HashMap<>();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, long[]> keyCounters = new TreeMap<>();
    private final Map<String, long[]> bucketCounters = new TreeMap<>();
    private final Map<String, OpenRouterKey> openRouterKeys = new HashMap<>();
    private long openRouterAccepted;
    private long openRouterRefused;
    private Duration clockOffset = Duration.ZERO;
    private int failCount;
    private int failStatus;
    private int midStreamFailCount;
    private int openRouterFailCount;
    private int openRouterFailStatus;
    private Duration latencyFixed = Duration.ZERO;
    private Duration latencyPerChunk = Duration.ZERO;
    private boolean batchEmbedCountsPerItem = true;

    public SimState() {
        reset();
    }

    // ---------------------------------------------------------------- clock

    public synchronized Instant now() {
        return Instant.now().plus(clockOffset);
    }

    public synchronized void advanceClock(Duration d) {
        clockOffset = clockOffset.plus(d);
    }

    public synchronized Duration clockOffset() {
        return clockOffset;
    }

    public static LocalDate pacificDay(Instant t) {
        return t.atZone(PACIFIC).toLocalDate();
    }

    /** Seconds (with millis) until the next fixed minute window starts. */
    public static double secondsToNextMinute(Instant t) {
        long ms = t.toEpochMilli();
        long rest = 60_000 - Math.floorMod(ms, 60_000L);
        return rest / 1000.0;
    }

    public static Instant nextPacificMidnight(Instant t) {
        return pacificDay(t).plusDays(1).atStartOfDay(PACIFIC).toInstant();
    }

    // ---------------------------------------------------------------- keys

    public synchronized void addKey(String apiKey, String project, KeyStatus status) {
        requireNonBlank(apiKey, "apiKey");
        String p = project == null || project.isBlank() ? ownProject(apiKey) : project;
        keys.put(apiKey, new KeyEntry(p, status == null ? KeyStatus.VALID : status));
    }

    public synchronized void setKeyStatus(String apiKey, KeyStatus status) {
        KeyEntry e = keys.get(apiKey);
        if (e == null) {
            throw new IllegalArgumentException("unknown key (add it first)");
        }
        keys.put(apiKey, new KeyEntry(e.project(), status));
    }

    public synchronized boolean removeKey(String apiKey) {
        return keys.remove(apiKey) != null;
    }

    /** Unknown keys are INVALID, like Google. */
    public synchronized KeyEntry key(String apiKey) {
        KeyEntry e = keys.get(apiKey);
        return e != null ? e : new KeyEntry(null, KeyStatus.INVALID);
    }

    public synchronized Map<String, KeyEntry> keys() {
        return new TreeMap<>(keys);
    }

    /** A key without a project label is its own project; the name does not reveal the key. */
    public static String ownProject(String apiKey) {
        return "key-" + fingerprint(apiKey).substring(0, 12);
    }

    public static String fingerprint(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (byte x : d) {
                b.append(String.format("%02x", x));
            }
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stable 12-digit "project number" for error metadata (Google shows projects/&lt;number&gt;). */
    public static String projectNumber(String project) {
        String f = fingerprint(project == null ? "" : project);
        long n = Long.parseUnsignedLong(f.substring(0, 15), 16) % 900_000_000_000L + 100_000_000_000L;
        return Long.toString(n);
    }

    // ---------------------------------------------------------------- models

    /** A built-in model, or one that exists because a test gave it a default quota; null when unknown. */
    public synchronized ModelCatalog.Model findModel(String name) {
        ModelCatalog.Model m = ModelCatalog.builtIn(name);
        if (m != null) {
            return m;
        }
        Quota q = defaultQuotas.get(name);
        return q == null ? null : ModelCatalog.generic(name, q);
    }

    public synchronized List<ModelCatalog.Model> models() {
        List<ModelCatalog.Model> all = new ArrayList<>(ModelCatalog.builtIns());
        defaultQuotas.forEach((name, q) -> {
            if (ModelCatalog.builtIn(name) == null) {
                all.add(ModelCatalog.generic(name, q));
            }
        });
        return all;
    }

    // ---------------------------------------------------------------- quotas

    public synchronized void setDefaultQuota(String model, int rpm, int rpd) {
        requireNonBlank(model, "model");
        checkLimits(rpm, rpd);
        defaultQuotas.put(ModelCatalog.bare(model), new Quota(rpm, rpd));
    }

    public synchronized void setProjectQuota(String project, String model, int rpm, int rpd) {
        requireNonBlank(project, "project");
        requireNonBlank(model, "model");
        checkLimits(rpm, rpd);
        projectQuotas.put(bucketKey(project, ModelCatalog.bare(model)), new Quota(rpm, rpd));
    }

    public synchronized Quota quota(String project, String model) {
        Quota q = projectQuotas.get(bucketKey(project, model));
        if (q != null) {
            return q;
        }
        q = defaultQuotas.get(model);
        return q != null ? q : new Quota(0, 0);
    }

    public synchronized Map<String, Quota> defaultQuotas() {
        return new TreeMap<>(defaultQuotas);
    }

    public synchronized Map<String, Quota> projectQuotas() {
        return new TreeMap<>(projectQuotas);
    }

    public synchronized void exhaustDay(String project, String model) {
        requireNonBlank(project, "project");
        requireNonBlank(model, "model");
        Instant now = now();
        Bucket b = buckets.computeIfAbsent(bucketKey(project, ModelCatalog.bare(model)), k -> new Bucket());
        b.roll(minuteIndex(now), pacificDay(now));
        b.exhaustedDay = pacificDay(now);
    }

    /** Used so far in the current minute and day for (project, model): {minute, day}. */
    public synchronized int[] used(String project, String model) {
        Instant now = now();
        Bucket b = buckets.get(bucketKey(project, model));
        if (b == null) {
            return new int[] {0, 0};
        }
        b.roll(minuteIndex(now), pacificDay(now));
        return new int[] {b.minuteCount, b.dayCount};
    }

    public synchronized void setBatchEmbedCountsPerItem(boolean perItem) {
        batchEmbedCountsPerItem = perItem;
    }

    public synchronized boolean batchEmbedCountsPerItem() {
        return batchEmbedCountsPerItem;
    }

    /**
     * Checks the (project, model) buckets for {@code units} requests and, when they fit and no failure is injected,
     * consumes them — one atomic step. Quota refusal wins over an injected failure; neither consumes quota.
     */
    public synchronized Decision admit(String project, String model, int units, boolean embed, boolean streaming) {
        Instant now = now();
        LocalDate today = pacificDay(now);
        Quota q = quota(project, model);
        Bucket b = buckets.computeIfAbsent(bucketKey(project, model), k -> new Bucket());
        b.roll(minuteIndex(now), today);
        List<Violation> violations = new ArrayList<>(2);
        boolean dayOut = today.equals(b.exhaustedDay) || b.dayCount + units > q.rpd();
        boolean minuteOut = b.minuteCount + units > q.rpm();
        if (dayOut) {
            violations.add(new Violation(true, model, q.rpd(), embed));
        }
        if (minuteOut) {
            violations.add(new Violation(false, model, q.rpm(), embed));
        }
        double retry = secondsToNextMinute(now);
        if (!violations.isEmpty()) {
            return new Decision(violations, retry, 0, false);
        }
        if (failCount > 0) {
            failCount--;
            return new Decision(List.of(), retry, failStatus, false);
        }
        b.minuteCount += units;
        b.dayCount += units;
        boolean mid = false;
        if (streaming && midStreamFailCount > 0) {
            midStreamFailCount--;
            mid = true;
        }
        return new Decision(List.of(), retry, 0, mid);
    }

    private static long minuteIndex(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), 60_000L);
    }

    public static String bucketKey(String project, String model) {
        return project + "/" + model;
    }

    // ---------------------------------------------------------------- failures and latency

    public synchronized void failNext(int count, int httpStatus) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        if (httpStatus != 500 && httpStatus != 503 && httpStatus != 502 && httpStatus != 504) {
            throw new IllegalArgumentException("httpStatus must be 500, 502, 503 or 504");
        }
        failCount = count;
        failStatus = httpStatus;
    }

    public synchronized void failMidStreamNext(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        midStreamFailCount = count;
    }

    public synchronized void failOpenRouterNext(int count, int httpStatus) {
        if (count < 0 || httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("count >= 0 and a 4xx/5xx status required");
        }
        openRouterFailCount = count;
        openRouterFailStatus = httpStatus;
    }

    public synchronized Map<String, Object> pendingFailures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("failNext", failCount);
        m.put("failStatus", failStatus);
        m.put("failMidStreamNext", midStreamFailCount);
        m.put("openRouterFailNext", openRouterFailCount);
        m.put("openRouterFailStatus", openRouterFailStatus);
        return m;
    }

    public synchronized void setLatency(Duration fixed, Duration perChunk) {
        latencyFixed = fixed == null || fixed.isNegative() ? Duration.ZERO : fixed;
        latencyPerChunk = perChunk == null || perChunk.isNegative() ? Duration.ZERO : perChunk;
    }

    public synchronized Duration latencyFixed() {
        return latencyFixed;
    }

    public synchronized Duration latencyPerChunk() {
        return latencyPerChunk;
    }

    // ---------------------------------------------------------------- OpenRouter

    public synchronized void setOpenRouterKey(String bearerKey, int rpm) {
        requireNonBlank(bearerKey, "bearerKey");
        if (rpm < 0) {
            throw new IllegalArgumentException("rpm must be >= 0");
        }
        OpenRouterKey k = openRouterKeys.computeIfAbsent(bearerKey, x -> new OpenRouterKey());
        k.rpm = rpm;
    }

    public synchronized boolean openRouterKeyKnown(String bearerKey) {
        return bearerKey != null && openRouterKeys.containsKey(bearerKey);
    }

    /** 0 = admitted (and counted), otherwise the HTTP status to answer (429 or an injected failure). */
    public synchronized int admitOpenRouter(String bearerKey) {
        OpenRouterKey k = openRouterKeys.get(bearerKey);
        long m = minuteIndex(now());
        if (k.minute != m) {
            k.minute = m;
            k.count = 0;
        }
        if (k.count + 1 > k.rpm) {
            openRouterRefused++;
            return 429;
        }
        if (openRouterFailCount > 0) {
            openRouterFailCount--;
            openRouterRefused++;
            return openRouterFailStatus;
        }
        k.count++;
        openRouterAccepted++;
        return 0;
    }

    public synchronized int openRouterRpm(String bearerKey) {
        OpenRouterKey k = openRouterKeys.get(bearerKey);
        return k == null ? 0 : k.rpm;
    }

    public synchronized void openRouterRefusedAuth() {
        openRouterRefused++;
    }

    public synchronized long openRouterAccepted() {
        return openRouterAccepted;
    }

    public synchronized long openRouterRefused() {
        return openRouterRefused;
    }

    // ---------------------------------------------------------------- counters

    /** Counts one answered request. {@code model} is null for calls that are not quota-bearing (models, countTokens). */
    public synchronized void count(String apiKey, String project, String model, boolean accepted) {
        if (apiKey != null) {
            keyCounters.computeIfAbsent(apiKey, k -> new long[2])[accepted ? 0 : 1]++;
        }
        if (project != null && model != null) {
            bucketCounters.computeIfAbsent(bucketKey(project, model), k -> new long[2])[accepted ? 0 : 1]++;
        }
    }

    public synchronized long accepted(String apiKey) {
        long[] c = keyCounters.get(apiKey);
        return c == null ? 0 : c[0];
    }

    public synchronized long refused(String apiKey) {
        long[] c = keyCounters.get(apiKey);
        return c == null ? 0 : c[1];
    }

    public synchronized long accepted(String project, String model) {
        long[] c = bucketCounters.get(bucketKey(project, ModelCatalog.bare(model)));
        return c == null ? 0 : c[0];
    }

    public synchronized long refused(String project, String model) {
        long[] c = bucketCounters.get(bucketKey(project, ModelCatalog.bare(model)));
        return c == null ? 0 : c[1];
    }

    public synchronized Map<String, long[]> keyCounters() {
        Map<String, long[]> m = new TreeMap<>();
        keyCounters.forEach((k, v) -> m.put(k, v.clone()));
        return m;
    }

    public synchronized Map<String, long[]> bucketCounters() {
        Map<String, long[]> m = new TreeMap<>();
        bucketCounters.forEach((k, v) -> m.put(k, v.clone()));
        return m;
    }

    public synchronized void resetCounters() {
        keyCounters.clear();
        bucketCounters.clear();
        openRouterAccepted = 0;
        openRouterRefused = 0;
    }

    /** Forget keys, quota overrides, buckets, counters, clock offset, injected failures, latency, OpenRouter keys. */
    /** The last request body each key sent (any route), for tests that check what reached "Google". */
    private final java.util.concurrent.ConcurrentHashMap<String, String> lastBodies =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Request lines ("METHOD uri", as received) of the last {@value #MAX_REQUEST_LOG} upstream requests. */
    static final int MAX_REQUEST_LOG = 10_000;
    private final java.util.ArrayDeque<String> requestLog = new java.util.ArrayDeque<>();

    public void recordRequest(String method, String uri) {
        synchronized (requestLog) {
            if (requestLog.size() >= MAX_REQUEST_LOG) {
                requestLog.pollFirst();
            }
            // A key sent as ?key= is not kept (the log is for paths).
            requestLog.addLast(method + " " + uri.replaceAll("([?&]key=)[^&]*", "$1…"));
        }
    }

    public java.util.List<String> requestLog() {
        synchronized (requestLog) {
            return java.util.List.copyOf(requestLog);
        }
    }

    public void clearRequestLog() {
        synchronized (requestLog) {
            requestLog.clear();
        }
    }

    public void recordBody(String apiKey, String body) {
        if (apiKey != null && body != null) {
            lastBodies.put(apiKey, body);
        }
    }

    public String lastBody(String apiKey) {
        return lastBodies.get(apiKey);
    }

    public synchronized void reset() {
        lastBodies.clear();
        clearRequestLog();
        keys.clear();
        defaultQuotas.clear();
        defaultQuotas.putAll(ModelCatalog.defaultQuotas());
        projectQuotas.clear();
        buckets.clear();
        resetCounters();
        openRouterKeys.clear();
        clockOffset = Duration.ZERO;
        failCount = 0;
        failStatus = 0;
        midStreamFailCount = 0;
        openRouterFailCount = 0;
        openRouterFailStatus = 0;
        latencyFixed = Duration.ZERO;
        latencyPerChunk = Duration.ZERO;
        batchEmbedCountsPerItem = true;
    }

    private static void requireNonBlank(String s, String name) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void checkLimits(int rpm, int rpd) {
        if (rpm < 0 || rpd < 0) {
            throw new IllegalArgumentException("rpm and rpd must be >= 0");
        }
    }
}
