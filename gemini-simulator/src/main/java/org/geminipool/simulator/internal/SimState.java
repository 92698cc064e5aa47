package org.geminipool.simulator.internal;

import org.geminipool.simulator.KeyStatus;
import org.geminipool.simulator.ProjectTier;
import org.geminipool.simulator.Retirement;
import org.geminipool.simulator.UnavailableText;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * All mutable state of the simulator: keys, quotas, buckets, counters, clock, injected failures.
 * Every method is synchronized: the HTTP side (one event loop) and the test thread both call in.
 *
 * <p>Quota accounting follows Google's published rules (ai.google.dev/gemini-api/docs/rate-limits):
 * "Rate limits are applied per project, not per API key", requests per minute in fixed windows, and
 * "Requests per day (RPD) quotas reset at midnight Pacific time". A refused (429) request consumes nothing.
 * Buckets are per (project, quota model): model IDs that share a quota model share its counts
 * (gemini-api-2026.md §0, §1.4 [I-429c]).
 */
public final class SimState {

    public static final ZoneId PACIFIC = ZoneId.of("America/Los_Angeles");

    public record KeyEntry(String project, KeyStatus status) {
    }

    /** The three windows Google counts (gemini-api-2026.md §3). */
    public enum Window { DAY, MINUTE, INPUT_TOKENS }

    /** One violated limit, as it will appear in a google.rpc.QuotaFailure. {@code model} is the quota model. */
    public record Violation(Window window, String model, int limit, boolean embed, boolean paid) {

        /** Back-compatible shape of 2025: a request window of the free tier. */
        public Violation(boolean perDay, String model, int limit, boolean embed) {
            this(perDay ? Window.DAY : Window.MINUTE, model, limit, embed, false);
        }

        public boolean perDay() {
            return window == Window.DAY;
        }

        public String quotaId() {
            String suffix = paid ? "" : "-FreeTier";
            String service = embed ? "EmbedContent" : "Generate";
            return switch (window) {
                case DAY -> service + "RequestsPerDayPerProjectPerModel" + suffix;
                case MINUTE -> service + "RequestsPerMinutePerProjectPerModel" + suffix;
                case INPUT_TOKENS -> paid
                        ? (embed ? "EmbedContent" : "GenerateContent") + "PaidTierInputTokensPerModelPerMinute"
                        : (embed ? "EmbedContent" : "GenerateContent") + "InputTokensPerModelPerMinute-FreeTier";
            };
        }

        public String quotaMetric() {
            String prefix = "generativelanguage.googleapis.com/";
            String service = embed ? "embed" : "generate";
            if (window == Window.INPUT_TOKENS) {
                return prefix + (embed ? "embed_content" : "generate_content")
                        + (paid ? "_paid_tier" : "_free_tier") + "_input_token_count";
            }
            if (!paid) {
                return prefix + (embed ? "embed_content" : "generate_content") + "_free_tier_requests";
            }
            return prefix + service + "_requests_per_model" + (window == Window.DAY ? "_per_day" : "");
        }
    }

    /**
     * Outcome of {@link #admit}. At most one of: quota violations, prepay depleted, an injected failure; none = served.
     */
    public record Decision(List<Violation> violations, double retrySeconds, int injectedStatus,
                           UnavailableText injectedText, boolean midStreamFailure, boolean prepayDepleted) {
        public boolean ok() {
            return violations.isEmpty() && injectedStatus == 0 && !prepayDepleted;
        }

        public boolean quotaRefused() {
            return !violations.isEmpty();
        }
    }

    private static final class Bucket {
        long minute = Long.MIN_VALUE;
        int minuteCount;
        long minuteTokens;
        LocalDate day;
        int dayCount;
        LocalDate exhaustedDay;

        void roll(long minuteIndex, LocalDate today) {
            if (minute != minuteIndex) {
                minute = minuteIndex;
                minuteCount = 0;
                minuteTokens = 0;
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
    private Catalog catalog = new Catalog();
    /** Default limits per tier and family (README "Quotas"); tests edit them. */
    private final Map<ProjectTier, Map<String, Quota>> familyQuotas = new EnumMap<>(ProjectTier.class);
    /** Limits a test set for one quota model, per tier (setDefaultQuota and friends). */
    private final Map<ProjectTier, Map<String, Quota>> modelQuotas = new EnumMap<>(ProjectTier.class);
    /** Per (project, quota model) limits (setProjectQuota). */
    private final Map<String, Quota> projectQuotas = new HashMap<>();
    private final Map<String, ProjectTier> projectTiers = new HashMap<>();
    private final Set<String> legacyProjects = new HashSet<>();
    private final Set<String> deniedProjects = new HashSet<>();
    private final Set<String> prepayDepleted = new HashSet<>();
    private boolean locationUnsupported;
    /** Files, caches, batches, interactions, operations, stores: project-scoped (§4–§9). */
    private final ProjectObjects objects = new ProjectObjects();
    private final ObjectSettings objectSettings = new ObjectSettings();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Map<String, long[]> keyCounters = new TreeMap<>();
    private final Map<String, long[]> bucketCounters = new TreeMap<>();
    private final Map<String, OpenRouterKey> openRouterKeys = new HashMap<>();
    private long openRouterAccepted;
    private long openRouterRefused;
    private Duration clockOffset = Duration.ZERO;
    private int failCount;
    private int failStatus;
    private UnavailableText failText = UnavailableText.HIGH_DEMAND;
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

    /** Free-tier defaults per family (gemini-api-2026.md §1.4 says Google no longer publishes them: data, editable). */
    static Map<String, Quota> freeFamilyDefaults() {
        Map<String, Quota> m = new LinkedHashMap<>();
        m.put(ModelCatalog.FLASH_LITE, new Quota(15, 1000, 250_000));
        m.put(ModelCatalog.FLASH, new Quota(10, 250, 250_000));
        m.put(ModelCatalog.PRO, new Quota(0, 0, 0));
        m.put(ModelCatalog.IMAGE, new Quota(0, 0, 0));
        m.put(ModelCatalog.EMBEDDING, new Quota(100, 1000, 30_000));
        m.put(ModelCatalog.TTS, new Quota(3, 15, 10_000));
        m.put(ModelCatalog.LIVE, new Quota(0, 0, 0));
        m.put(ModelCatalog.GEMMA, new Quota(30, 14_400, 15_000));
        m.put(ModelCatalog.VIDEO, new Quota(0, 0, 0));
        m.put(ModelCatalog.OTHER, new Quota(0, 0, 0));
        return m;
    }

    /** Paid defaults: one table for every family (a Tier 1 project). */
    static Map<String, Quota> paidFamilyDefaults() {
        Map<String, Quota> m = new LinkedHashMap<>();
        for (String f : ModelCatalog.FAMILIES) {
            m.put(f, new Quota(1000, 10_000, 2_000_000));
        }
        return m;
    }

    /** Resolves a requested model ID for a project: auto-routes, aliases, retirement (legacy projects keep closed ones). */
    public synchronized Catalog.Lookup lookup(String requested, String project) {
        return catalog.resolve(ModelCatalog.bare(requested), project != null && legacyProjects.contains(project));
    }

    /** A served model by name (aliases and auto-routes followed, closed-to-new models included); null when none. */
    public synchronized ModelCatalog.Model findModel(String name) {
        return catalog.resolve(ModelCatalog.bare(name), true).model();
    }

    /** The resource models.get answers (an alias shows its own literal resource); null when not listed. */
    public synchronized ModelCatalog.Model listedModel(String name) {
        return catalog.listedResource(ModelCatalog.bare(name));
    }

    /** What models.list shows, in order. */
    public synchronized List<ModelCatalog.Model> models() {
        return catalog.listed();
    }

    public synchronized String quotaModel(ModelCatalog.Model m) {
        return catalog.quotaModelOf(m);
    }

    /** The quota model of a model ID (aliases and auto-routes followed); the bare ID itself when unknown. */
    public synchronized String quotaModelOf(String model) {
        String bare = ModelCatalog.bare(model);
        ModelCatalog.Model m = catalog.resolve(bare, true).model();
        return m == null ? bare : catalog.quotaModelOf(m);
    }

    /** A model ID argument: required, without its {@code models/} prefix. */
    private static String modelArg(String value, String name) {
        requireNonBlank(value, name);
        return ModelCatalog.bare(value.trim());
    }

    public synchronized void setQuotaModel(String model, String quotaModel) {
        catalog.setQuotaModel(modelArg(model, "model"), modelArg(quotaModel, "quotaModel"));
    }

    public synchronized void addModel(String name, String likeModel) {
        catalog.addModel(modelArg(name, "name"), modelArg(likeModel, "likeModel"));
    }

    public synchronized void removeModel(String name) {
        catalog.removeModel(modelArg(name, "name"));
    }

    public synchronized void retireModel(String name, Retirement how) {
        catalog.retire(modelArg(name, "name"), how);
    }

    public synchronized void autoRoute(String from, String to) {
        catalog.autoRoute(modelArg(from, "from"), modelArg(to, "to"));
    }

    public synchronized void setAliasTarget(String alias, String target) {
        catalog.setAliasTarget(modelArg(alias, "alias"), modelArg(target, "target"));
    }

    public synchronized Map<String, String> aliasTargets() {
        return catalog.aliasTargets();
    }

    public synchronized Map<String, Retirement> retirements() {
        return catalog.retirements();
    }

    public synchronized Map<String, String> autoRoutes() {
        return catalog.autoRoutes();
    }

    // ---------------------------------------------------------------- projects

    public synchronized void setProjectTier(String project, ProjectTier tier) {
        requireNonBlank(project, "project");
        if (tier == null) {
            throw new IllegalArgumentException("tier is required (FREE or PAID)");
        }
        projectTiers.put(project, tier);
    }

    public synchronized ProjectTier projectTier(String project) {
        return projectTiers.getOrDefault(project, ProjectTier.FREE);
    }

    public synchronized void setProjectLegacy(String project, boolean legacy) {
        flag(legacyProjects, project, legacy);
    }

    public synchronized void setProjectDenied(String project, boolean denied) {
        flag(deniedProjects, project, denied);
    }

    private static void flag(Set<String> projects, String project, boolean on) {
        requireNonBlank(project, "project");
        if (on) {
            projects.add(project);
        } else {
            projects.remove(project);
        }
    }

    public synchronized boolean projectDenied(String project) {
        return project != null && deniedProjects.contains(project);
    }

    public synchronized void setPrepayDepleted(String project, boolean depleted) {
        flag(prepayDepleted, project, depleted);
    }

    public synchronized void setLocationUnsupported(boolean unsupported) {
        locationUnsupported = unsupported;
    }

    public synchronized boolean locationUnsupported() {
        return locationUnsupported;
    }

    /** The project-scoped object store (§4–§9). */
    public ProjectObjects objects() {
        return objects;
    }

    /** Poll counts, limits and minimums of the object APIs (README "Project objects"). */
    private volatile java.util.function.Supplier<Map<String, Integer>> liveSessions = Map::of;

    /** The Live API endpoint's open sessions per project (set by the endpoint when it is mounted). */
    void liveSessions(java.util.function.Supplier<Map<String, Integer>> source) {
        liveSessions = source;
    }

    /** Open Live API sessions per project (projects with none are absent). */
    public Map<String, Integer> liveSessionsOpen() {
        return liveSessions.get();
    }

    public ObjectSettings objectSettings() {
        return objectSettings;
    }

    /**
     * Registers a Files API object ({@code files/<id>} or {@code <id>}) as the project's own: an ACTIVE, empty file
     * (metadata only) that expires after 48 h like an upload.
     */
    public void addFile(String project, String fileId) {
        requireNonBlank(project, "project");
        requireNonBlank(fileId, "fileId");
        Instant now = now();
        ProjectObjects.FileObj f = new ProjectObjects.FileObj(project, stripPrefix(fileId, "files/"), now);
        f.mimeType = "application/octet-stream";
        f.displayName = "";
        f.expires = now.plus(Duration.ofHours(48));
        f.sha256Hex = fingerprint("");
        objects.put(ProjectObjects.Kind.FILE, f);
    }

    /** The project's live (not deleted, not expired) file, or null. */
    public ProjectObjects.FileObj file(String project, String fileId) {
        ProjectObjects.FileObj f = objects.get(ProjectObjects.Kind.FILE, project, stripPrefix(fileId, "files/"));
        if (f != null && f.expires != null && !now().isBefore(f.expires)) {
            objects.remove(ProjectObjects.Kind.FILE, project, f.id);
            return null;
        }
        return f;
    }

    public boolean fileKnown(String project, String fileId) {
        return file(project, fileId) != null;
    }

    /** Registers a cache ({@code cachedContents/<id>} or {@code <id>}) as the project's own, alive for 1 h. */
    public void addCachedContent(String project, String cacheId) {
        requireNonBlank(project, "project");
        requireNonBlank(cacheId, "cacheId");
        Instant now = now();
        ProjectObjects.CacheObj c = new ProjectObjects.CacheObj(project, stripPrefix(cacheId, "cachedContents/"), now);
        c.expires = now.plus(Duration.ofHours(1));
        c.wholePrompt = "";
        objects.put(ProjectObjects.Kind.CACHE, c);
    }

    /** The project's live (not deleted, not expired) cache, or null. */
    public ProjectObjects.CacheObj cachedContent(String project, String cacheId) {
        ProjectObjects.CacheObj c = objects.get(ProjectObjects.Kind.CACHE, project, stripPrefix(cacheId, "cachedContents/"));
        if (c != null && !now().isBefore(c.expires)) {
            objects.remove(ProjectObjects.Kind.CACHE, project, c.id);
            return null;
        }
        return c;
    }

    public boolean cachedContentKnown(String project, String cacheId) {
        return cachedContent(project, cacheId) != null;
    }

    static String stripPrefix(String s, String prefix) {
        String t = s.trim();
        return t.startsWith(prefix) ? t.substring(prefix.length()) : t;
    }

    /** Project flags for /_sim/state. */
    public synchronized Map<String, Object> projectFlags() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> tiers = new TreeMap<>();
        projectTiers.forEach((p, t) -> tiers.put(p, t.name()));
        m.put("tiers", tiers);
        m.put("legacy", new ArrayList<>(new java.util.TreeSet<>(legacyProjects)));
        m.put("denied", new ArrayList<>(new java.util.TreeSet<>(deniedProjects)));
        m.put("prepayDepleted", new ArrayList<>(new java.util.TreeSet<>(prepayDepleted)));
        m.put("locationUnsupported", locationUnsupported);
        Map<String, Map<String, List<String>>> all = objects.summary();
        m.put("files", all.getOrDefault(ProjectObjects.Kind.FILE.name(), Map.of()));
        m.put("cachedContents", all.getOrDefault(ProjectObjects.Kind.CACHE.name(), Map.of()));
        return m;
    }

    // ---------------------------------------------------------------- quotas

    /** Makes an unknown model name a served (generic) model, as giving it a quota always did. */
    private ModelCatalog.Model servedOrGeneric(String model) {
        String bare = ModelCatalog.bare(model);
        ModelCatalog.Model m = catalog.resolve(bare, true).model();
        if (m == null) {
            if (catalog.isAlias(bare) || catalog.retirements().containsKey(bare) || catalog.autoRoutes().containsKey(bare)) {
                throw new IllegalArgumentException(bare + " does not serve (retired, or an alias of a removed model)");
            }
            catalog.addGeneric(bare);
            m = catalog.resolve(bare, true).model();
        }
        return m;
    }

    /** RPM/RPD only: the token limit stays, except that a 0 (no access) becomes unlimited once requests are allowed. */
    private static Quota withRequests(Quota current, int rpm, int rpd) {
        int tpm = current.tpm();
        if (tpm == 0 && (rpm > 0 || rpd > 0)) {
            tpm = Quota.UNLIMITED;
        }
        return new Quota(rpm, rpd, tpm);
    }

    public synchronized void setDefaultQuota(String model, int rpm, int rpd) {
        requireNonBlank(model, "model");
        checkLimits(rpm, rpd, 0);
        ModelCatalog.Model m = servedOrGeneric(model);
        setTierQuota(ProjectTier.FREE, m, withRequests(tierQuota(ProjectTier.FREE, m), rpm, rpd));
    }

    public synchronized void setTierQuota(ProjectTier tier, String model, int rpm, int rpd, int tpm) {
        requireNonBlank(model, "model");
        if (tier == null) {
            throw new IllegalArgumentException("tier is required (FREE or PAID)");
        }
        checkLimits(rpm, rpd, tpm);
        setTierQuota(tier, servedOrGeneric(model), new Quota(rpm, rpd, tpm));
    }

    private void setTierQuota(ProjectTier tier, ModelCatalog.Model m, Quota q) {
        modelQuotas.computeIfAbsent(tier, t -> new HashMap<>()).put(catalog.quotaModelOf(m), q);
    }

    public synchronized void setFamilyQuota(ProjectTier tier, String family, int rpm, int rpd, int tpm) {
        requireNonBlank(family, "family");
        if (tier == null) {
            throw new IllegalArgumentException("tier is required (FREE or PAID)");
        }
        if (!ModelCatalog.FAMILIES.contains(family)) {
            throw new IllegalArgumentException("unknown family " + family + " (families: " + ModelCatalog.FAMILIES + ")");
        }
        checkLimits(rpm, rpd, tpm);
        familyQuotas.get(tier).put(family, new Quota(rpm, rpd, tpm));
    }

    public synchronized void setProjectQuota(String project, String model, int rpm, int rpd) {
        requireNonBlank(project, "project");
        requireNonBlank(model, "model");
        checkLimits(rpm, rpd, 0);
        ModelCatalog.Model m = servedOrGeneric(model);
        projectQuotas.put(bucketKey(project, catalog.quotaModelOf(m)), withRequests(quota(project, m), rpm, rpd));
    }

    public synchronized void setProjectQuota(String project, String model, int rpm, int rpd, int tpm) {
        requireNonBlank(project, "project");
        requireNonBlank(model, "model");
        checkLimits(rpm, rpd, tpm);
        ModelCatalog.Model m = servedOrGeneric(model);
        projectQuotas.put(bucketKey(project, catalog.quotaModelOf(m)), new Quota(rpm, rpd, tpm));
    }

    private Quota tierQuota(ProjectTier tier, ModelCatalog.Model m) {
        Quota q = modelQuotas.getOrDefault(tier, Map.of()).get(catalog.quotaModelOf(m));
        if (q != null) {
            return q;
        }
        q = familyQuotas.get(tier).get(m.family());
        return q != null ? q : new Quota(0, 0, 0);
    }

    /** The limits that apply: project override, else the tier's limit for the quota model, else the family's. */
    public synchronized Quota quota(String project, ModelCatalog.Model m) {
        Quota q = projectQuotas.get(bucketKey(project, catalog.quotaModelOf(m)));
        return q != null ? q : tierQuota(projectTier(project), m);
    }

    /** Effective default limits per quota model and tier, for every served model (for /_sim/state). */
    public synchronized Map<String, Quota> defaultQuotas(ProjectTier tier) {
        Map<String, Quota> m = new TreeMap<>();
        for (ModelCatalog.Model model : catalog.served()) {
            m.putIfAbsent(catalog.quotaModelOf(model), tierQuota(tier, model));
        }
        return m;
    }

    /** For the 2025 callers: the free-tier table. */
    public synchronized Map<String, Quota> defaultQuotas() {
        return defaultQuotas(ProjectTier.FREE);
    }

    public synchronized Map<String, Quota> familyQuotas(ProjectTier tier) {
        return new LinkedHashMap<>(familyQuotas.get(tier));
    }

    public synchronized Map<String, Quota> projectQuotas() {
        return new TreeMap<>(projectQuotas);
    }

    public synchronized void exhaustDay(String project, String model) {
        requireNonBlank(project, "project");
        requireNonBlank(model, "model");
        Instant now = now();
        Bucket b = buckets.computeIfAbsent(bucketKey(project, quotaModelOf(model)), k -> new Bucket());
        b.roll(minuteIndex(now), pacificDay(now));
        b.exhaustedDay = pacificDay(now);
    }

    /** Used so far for (project, model's quota model): {requests this minute, requests today, input tokens this minute}. */
    public synchronized int[] used(String project, String model) {
        Instant now = now();
        Bucket b = buckets.get(bucketKey(project, quotaModelOf(model)));
        if (b == null) {
            return new int[] {0, 0, 0};
        }
        b.roll(minuteIndex(now), pacificDay(now));
        return new int[] {b.minuteCount, b.dayCount, (int) Math.min(Integer.MAX_VALUE, b.minuteTokens)};
    }

    public synchronized void setBatchEmbedCountsPerItem(boolean perItem) {
        batchEmbedCountsPerItem = perItem;
    }

    public synchronized boolean batchEmbedCountsPerItem() {
        return batchEmbedCountsPerItem;
    }

    /**
     * Checks the (project, quota model) buckets for {@code units} requests carrying {@code promptTokens} input tokens
     * and, when they fit and no failure is injected, consumes them — one atomic step. A depleted prepay refuses first,
     * then quota, then an injected failure; none of them consumes anything.
     */
    public synchronized Decision admit(String project, ModelCatalog.Model m, int units, long promptTokens, boolean embed,
                                       boolean streaming) {
        Instant now = now();
        double retry = secondsToNextMinute(now);
        if (prepayDepleted.contains(project)) {
            return new Decision(List.of(), retry, 0, null, false, true);
        }
        LocalDate today = pacificDay(now);
        String quotaModel = catalog.quotaModelOf(m);
        Quota q = quota(project, m);
        boolean paid = projectTier(project) == ProjectTier.PAID;
        Bucket b = buckets.computeIfAbsent(bucketKey(project, quotaModel), k -> new Bucket());
        b.roll(minuteIndex(now), today);
        List<Violation> violations = new ArrayList<>(3);
        if (today.equals(b.exhaustedDay) || b.dayCount + units > q.rpd()) {
            violations.add(new Violation(Window.DAY, quotaModel, q.rpd(), embed, paid));
        }
        if (b.minuteCount + units > q.rpm()) {
            violations.add(new Violation(Window.MINUTE, quotaModel, q.rpm(), embed, paid));
        }
        if (q.tokensLimited() && b.minuteTokens + promptTokens > q.tpm()) {
            violations.add(new Violation(Window.INPUT_TOKENS, quotaModel, q.tpm(), embed, paid));
        }
        if (!violations.isEmpty()) {
            return new Decision(violations, retry, 0, null, false, false);
        }
        if (failCount > 0) {
            failCount--;
            return new Decision(List.of(), retry, failStatus, failText, false, false);
        }
        b.minuteCount += units;
        b.dayCount += units;
        b.minuteTokens += promptTokens;
        boolean mid = false;
        if (streaming && midStreamFailCount > 0) {
            midStreamFailCount--;
            mid = true;
        }
        return new Decision(List.of(), retry, 0, null, mid, false);
    }

    private static long minuteIndex(Instant t) {
        return Math.floorDiv(t.toEpochMilli(), 60_000L);
    }

    public static String bucketKey(String project, String model) {
        return project + "/" + model;
    }

    // ---------------------------------------------------------------- failures and latency

    public synchronized void failNext(int count, int httpStatus) {
        failNext(count, httpStatus, UnavailableText.HIGH_DEMAND);
    }

    public synchronized void failNext(int count, int httpStatus, UnavailableText text) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        if (httpStatus != 500 && httpStatus != 503 && httpStatus != 502 && httpStatus != 504) {
            throw new IllegalArgumentException("httpStatus must be 500, 502, 503 or 504");
        }
        failCount = count;
        failStatus = httpStatus;
        failText = text == null ? UnavailableText.HIGH_DEMAND : text;
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
        m.put("failText", failText.name());
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

    /**
     * Counts one answered request. {@code model} is the quota model, null for calls that are not quota-bearing
     * (models, countTokens).
     */
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
        long[] c = bucketCounters.get(bucketKey(project, quotaModelOf(model)));
        return c == null ? 0 : c[0];
    }

    public synchronized long refused(String project, String model) {
        long[] c = bucketCounters.get(bucketKey(project, quotaModelOf(model)));
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

    /** The last request body each key sent (any route), for tests that check what reached "Google". */
    private final java.util.concurrent.ConcurrentHashMap<String, String> lastBodies =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Request lines ("METHOD uri", as received) of the last {@value #MAX_REQUEST_LOG} upstream requests. */
    static final int MAX_REQUEST_LOG = 10_000;
    private final java.util.ArrayDeque<RequestRecord> requestLog = new java.util.ArrayDeque<>();

    /**
     * One logged request: its line (a {@code ?key=} value is not kept), the key that sent it (as a SHA-256 prefix,
     * never the key), the project that was charged or owns the object (set once the caller is known; for a key-less
     * upload chunk, the upload's project) and the answer's status (0 until the head is written).
     */
    public static final class RequestRecord {
        public final String line;
        final String keyHash;
        public final String keyMask;
        volatile String project;
        volatile int status;
        /** The request's headers as "name: value", the presented key's value replaced by its mask. */
        public final java.util.List<String> headers;

        RequestRecord(String line, String key, java.util.List<String> headers) {
            this.line = line;
            this.keyHash = key == null ? null : fingerprint(key).substring(0, 24);
            this.keyMask = key == null ? null : GoogleErrors.abbreviate(key);
            this.headers = headers;
        }

        public String project() {
            return project;
        }

        public int status() {
            return status;
        }

        public boolean sentBy(String key) {
            return key != null && keyHash != null && keyHash.equals(fingerprint(key).substring(0, 24));
        }

        public void project(String p) {
            if (p != null) {
                project = p;
            }
        }

        public void status(int s) {
            status = s;
        }
    }

    public RequestRecord recordRequest(String method, String uri) {
        return recordRequest(method, uri, null, java.util.List.of());
    }

    /**
     * Logs one request. {@code headers} are "name: value" lines; wherever the presented key appears in them it is
     * replaced by its mask, so the log holds no key but still shows anything else a proxy forwarded.
     */
    public RequestRecord recordRequest(String method, String uri, String key, java.util.List<String> headers) {
        java.util.List<String> kept = new java.util.ArrayList<>(headers.size());
        for (String h : headers) {
            kept.add(key == null || key.isEmpty() ? h : h.replace(key, GoogleErrors.abbreviate(key)));
        }
        // A key sent as ?key= is not kept (the log is for paths).
        RequestRecord r = new RequestRecord(method + " " + uri.replaceAll("([?&]key=)[^&]*", "$1…"), key,
                java.util.List.copyOf(kept));
        if (key != null) {
            r.project = key(key).project();
        }
        synchronized (requestLog) {
            if (requestLog.size() >= MAX_REQUEST_LOG) {
                requestLog.pollFirst();
            }
            requestLog.addLast(r);
        }
        return r;
    }

    public java.util.List<String> requestLog() {
        synchronized (requestLog) {
            return requestLog.stream().map(r -> r.line).toList();
        }
    }

    public java.util.List<RequestRecord> requestRecords() {
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
        catalog = new Catalog();
        familyQuotas.put(ProjectTier.FREE, freeFamilyDefaults());
        familyQuotas.put(ProjectTier.PAID, paidFamilyDefaults());
        modelQuotas.clear();
        projectQuotas.clear();
        projectTiers.clear();
        legacyProjects.clear();
        deniedProjects.clear();
        prepayDepleted.clear();
        locationUnsupported = false;
        objects.clear();
        objectSettings.reset();
        buckets.clear();
        resetCounters();
        openRouterKeys.clear();
        clockOffset = Duration.ZERO;
        failCount = 0;
        failStatus = 0;
        failText = UnavailableText.HIGH_DEMAND;
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

    private static void checkLimits(int rpm, int rpd, int tpm) {
        if (rpm < 0 || rpd < 0) {
            throw new IllegalArgumentException("rpm and rpd must be >= 0");
        }
        if (tpm < 0 && tpm != Quota.UNLIMITED) {
            throw new IllegalArgumentException("tpm must be >= 0, or " + Quota.UNLIMITED + " for no token limit");
        }
    }
}
