package org.geminipool.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed, validated routing file (design §5). Immutable; what every request asks of it (the aliases, the pools a
 * direct lease excludes, whether a model name is a concrete model) is worked out once, not per request.
 */
public final class Routes {

    private final String defaultRoute;
    private final List<RouteRule> rules;
    private final List<String> paidPools;
    private final List<PoolFlags> pools;
    private final List<String> aliases;
    private final Set<String> aliasSet;
    private final List<String> directExcludedPools;
    /** Model name → {@link #namesConcreteModel}; bounded: cleared when full (names are client input). */
    private final Map<String, Boolean> concrete = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_CACHED_MODELS = 4096;

    public Routes(String defaultRoute, List<RouteRule> rules) {
        this(defaultRoute, rules, List.of(), List.of());
    }

    public Routes(String defaultRoute, List<RouteRule> rules, List<String> paidPools) {
        this(defaultRoute, rules, paidPools, List.of());
    }

    /**
     * @param paidPools pools flagged {@code paid} in the {@code pools:} section
     * @param pools     every pool the {@code pools:} section declares, with its flags, in file order (empty: no section)
     */
    public Routes(String defaultRoute, List<RouteRule> rules, List<String> paidPools, List<PoolFlags> pools) {
        this.defaultRoute = defaultRoute;
        this.rules = List.copyOf(rules);
        this.paidPools = paidPools == null ? List.of() : List.copyOf(paidPools);
        this.pools = pools == null ? List.of() : List.copyOf(pools);
        Set<String> seen = new java.util.LinkedHashSet<>();
        for (RouteRule r : this.rules) {
            r.models().stream().filter(m -> !ModelPatterns.isPattern(m)).forEach(seen::add);
        }
        this.aliases = List.copyOf(seen);
        this.aliasSet = Set.copyOf(seen);
        this.directExcludedPools = this.pools.stream().filter(p -> !p.direct()).map(PoolFlags::name)
                // keypool pool names are [A-Za-z0-9._:/-]{1,128}: no key can be in a pool named otherwise
                .filter(n -> KEYPOOL_POOL_NAME.matcher(n).matches()).toList();
    }

    public String defaultRoute() {
        return defaultRoute;
    }

    public List<RouteRule> rules() {
        return rules;
    }

    public List<String> paidPools() {
        return paidPools;
    }

    public List<PoolFlags> pools() {
        return pools;
    }

    /**
     * A pool declared in the routing file. {@code direct}: its keys may serve direct requests (a concrete model named
     * that no rule claims, leased from "any pool"); declared pools are reserved for the routes that name them unless
     * they say {@code direct: true} (a {@code paid} pool too).
     */
    public record PoolFlags(String name, boolean paid, boolean direct) {
    }

    /**
     * Pools a direct (any-pool) lease must not use: every declared pool without {@code direct: true}. Pools the file
     * does not declare are unknown to the gateway and not excluded (a file without {@code pools:} reserves none).
     */
    public List<String> directExcludedPools() {
        return directExcludedPools;
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final java.util.regex.Pattern KEYPOOL_POOL_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9._:/-]{1,128}");

    /** Thrown with a message naming what is wrong (and where) in the YAML. */
    public static final class InvalidRoutes extends RuntimeException {
        /** Where in the file (e.g. {@code routes[0].match.foo}), turned into a line number by {@link #parse}. */
        transient String where;

        public InvalidRoutes(String message) {
            super(message);
        }
    }

    public static Routes parse(String yaml) {
        try {
            return parseTree(yaml);
        } catch (InvalidRoutes e) {
            if (e.where == null) {
                throw e;
            }
            Integer line = YamlLines.lineOf(yaml, e.where);
            throw new InvalidRoutes(line == null ? e.getMessage() : "line " + line + ": " + e.getMessage());
        }
    }

    /** Condition names a rule's {@code match} may hold. */
    public static final Set<String> CONDITIONS = Set.of("keywords", "operation", "models", "longContext", "thinking",
            "webSearch", "image", "header");
    private static final Set<String> TARGET_FIELDS = Set.of("pool", "model", "family", "provider", "addTools",
            "thinkingBudget", "thinkingLevel");
    private static final Set<String> THINKING_LEVELS = Set.of("MINIMAL", "LOW", "MEDIUM", "HIGH");
    private static final Set<String> POOL_FLAGS = Set.of("paid", "direct");
    private static final Set<String> TOOLS = Set.of(Target.GOOGLE_SEARCH);
    /** {@code longContext: true} means more than this many estimated prompt tokens. */
    public static final long DEFAULT_LONG_CONTEXT_TOKENS = 60_000;

    private static Routes parseTree(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (Exception e) {
            throw new InvalidRoutes("not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRoutes("the routing file must be a mapping with 'routes' (and optionally 'default', 'pools')");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("routes", "default", "pools").contains(f)) {
                throw fail(f, f + " is unknown at the top level (routes, default, pools)");
            }
        }
        Map<String, PoolFlags> declared = pools(root.get("pools"));
        Map<String, Boolean> pools = declared == null ? null : new LinkedHashMap<>();
        if (declared != null) {
            declared.forEach((n, f) -> pools.put(n, f.paid()));
        }
        JsonNode routesNode = root.get("routes");
        if (routesNode == null || !routesNode.isArray() || routesNode.isEmpty()) {
            throw fail("routes", "'routes' must be a non-empty list");
        }
        List<RouteRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < routesNode.size(); i++) {
            JsonNode r = routesNode.get(i);
            String where = "routes[" + i + "]";
            if (!r.isObject()) {
                throw fail(where, where + " must be a mapping");
            }
            for (var it = r.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of("name", "match", "targets").contains(f)) {
                    throw fail(where + "." + f, where + "." + f + " is unknown (name, match, targets)");
                }
            }
            String name = text(r, "name", where);
            if (name == null || name.isBlank()) {
                throw fail(where, where + ".name is required");
            }
            if (!names.add(name)) {
                throw fail(where + ".name", where + ": route name '" + name + "' is used twice");
            }
            JsonNode match = r.get("match");
            List<String> keywords = List.of();
            List<String> models = List.of();
            String operation = null;
            Long longContext = null;
            Boolean thinking = null;
            Boolean webSearch = null;
            Boolean image = null;
            String header = null;
            if (match != null && !match.isNull()) {
                String mw = where + ".match";
                if (!match.isObject()) {
                    throw fail(mw, mw + " must be a mapping");
                }
                for (var it = match.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!CONDITIONS.contains(f)) {
                        throw fail(mw + "." + f, mw + "." + f + " is an unknown condition (keywords, operation, models,"
                                + " longContext, thinking, webSearch, image, header)");
                    }
                }
                keywords = strings(match.get("keywords"), mw + ".keywords");
                models = strings(match.get("models"), mw + ".models").stream().map(Routes::stripModels).toList();
                operation = text(match, "operation", mw);
                if (operation != null) {
                    operation = operation.trim().toLowerCase(Locale.ROOT);
                    String op = operation;
                    boolean known = false;
                    for (OperationKind k : OperationKind.values()) {
                        known |= k.yamlName().equals(op);
                    }
                    if (!known) {
                        throw fail(mw + ".operation", mw + ".operation '" + operation
                                + "' is unknown (generate, embed, count, models)");
                    }
                }
                longContext = longContext(match.get("longContext"), mw + ".longContext");
                thinking = bool(match.get("thinking"), mw + ".thinking");
                webSearch = bool(match.get("webSearch"), mw + ".webSearch");
                image = bool(match.get("image"), mw + ".image");
                JsonNode h = match.get("header");
                if (h != null && !h.isNull()) {
                    if (h.isBoolean()) {
                        header = h.asBoolean() ? name : null;
                    } else if (h.isTextual() && !h.asText().isBlank()) {
                        header = h.asText().trim();
                    } else {
                        throw fail(mw + ".header", mw + ".header must be true (the route's name) or a header value");
                    }
                }
            }
            JsonNode targetsNode = r.get("targets");
            if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
                throw fail(where + ".targets", where + ".targets must be a non-empty list");
            }
            List<Target> targets = new ArrayList<>();
            for (int j = 0; j < targetsNode.size(); j++) {
                targets.add(target(targetsNode.get(j), where + ".targets[" + j + "]", pools));
            }
            rules.add(new RouteRule(name, keywords, operation, models, longContext, thinking, webSearch, image, header,
                    List.copyOf(targets)));
        }
        String def = text(root, "default", "the file");
        if (def != null && !names.contains(def)) {
            throw fail("default", "default route '" + def + "' is not one of the routes");
        }
        List<String> paid = pools == null ? List.of()
                : pools.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                // keypool pool names are [A-Za-z0-9._:/-]{1,64}: no key can be in a pool named otherwise
                .filter(n -> KEYPOOL_POOL_NAME.matcher(n).matches()).toList();
        return new Routes(def, List.copyOf(rules), paid,
                declared == null ? List.of() : List.copyOf(declared.values()));
    }

    /** The optional {@code pools:} mapping (name → flags); null when absent (then any pool name is accepted). */
    private static Map<String, PoolFlags> pools(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw fail("pools", "pools must be a mapping of pool name to flags, e.g. { image: { paid: true } }");
        }
        Map<String, PoolFlags> out = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            String where = "pools." + e.getKey();
            JsonNode flags = e.getValue();
            boolean paid = false;
            boolean direct = false;
            if (flags != null && !flags.isNull()) {
                if (!flags.isObject()) {
                    throw fail(where, where + " must be a mapping of flags (paid, direct)");
                }
                for (var f = flags.fieldNames(); f.hasNext(); ) {
                    String flag = f.next();
                    if (!POOL_FLAGS.contains(flag)) {
                        throw fail(where + "." + flag, where + "." + flag + " is an unknown pool flag (paid, direct)");
                    }
                }
                Boolean p = bool(flags.get("paid"), where + ".paid");
                paid = p != null && p;
                Boolean d = bool(flags.get("direct"), where + ".direct");
                direct = d != null && d;
            }
            out.put(e.getKey(), new PoolFlags(e.getKey(), paid, direct));
        }
        return out;
    }

    private static Target target(JsonNode t, String tw, Map<String, Boolean> pools) {
        if (!t.isObject()) {
            throw fail(tw, tw + " must be a mapping");
        }
        for (var it = t.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TARGET_FIELDS.contains(f)) {
                throw fail(tw + "." + f, tw + "." + f + " is unknown (pool, model, family, provider, addTools,"
                        + " thinkingBudget, thinkingLevel)");
            }
        }
        String model = text(t, "model", tw);
        String family = text(t, "family", tw);
        boolean hasModel = model != null && !model.isBlank();
        boolean hasFamily = family != null && !family.isBlank();
        if (hasModel == hasFamily) {
            throw fail(tw, tw + " needs exactly one of model (an ID) or family (e.g. flash-lite)");
        }
        if (hasFamily) {
            family = family.trim().toLowerCase(Locale.ROOT);
            if (!ModelFamily.FAMILY_NAME.matcher(family).matches()) {
                throw fail(tw + ".family", tw + ".family '" + family + "' must be letters, digits and dashes (e.g."
                        + " flash-lite, pro, flash-image)");
            }
        }
        model = hasModel ? stripModels(model.trim()) : null;
        String provider = text(t, "provider", tw);
        provider = provider == null ? Target.GOOGLE : provider.trim().toLowerCase(Locale.ROOT);
        if (!provider.equals(Target.GOOGLE) && !provider.equals(Target.OPENROUTER)) {
            throw fail(tw + ".provider", tw + ".provider '" + provider + "' is unknown (google, openrouter)");
        }
        String pool = text(t, "pool", tw);
        pool = pool == null || pool.isBlank() ? null : pool.trim();
        if (provider.equals(Target.OPENROUTER) && hasFamily) {
            throw fail(tw + ".family", tw + ": an openrouter target names its model");
        }
        if (provider.equals(Target.OPENROUTER) && pool != null) {
            throw fail(tw + ".pool", tw + ": an openrouter target has no pool");
        }
        if (pool != null && pools != null && !pools.containsKey(pool)) {
            throw fail(tw + ".pool", tw + ".pool '" + pool + "' is unknown (declared pools: "
                    + String.join(", ", pools.keySet()) + ")");
        }
        List<String> tools = new ArrayList<>();
        for (String tool : strings(t.get("addTools"), tw + ".addTools")) {
            String normalized = tool.equals("google_search") ? Target.GOOGLE_SEARCH : tool;
            if (!TOOLS.contains(normalized)) {
                throw fail(tw + ".addTools", tw + ".addTools '" + tool + "' is unknown (googleSearch)");
            }
            tools.add(normalized);
        }
        Integer budget = null;
        JsonNode b = t.get("thinkingBudget");
        if (b != null && !b.isNull()) {
            if (!b.canConvertToInt() || !b.isIntegralNumber() || b.asInt() < -1) {
                throw fail(tw + ".thinkingBudget", tw + ".thinkingBudget must be an integer >= -1 (-1 = dynamic,"
                        + " 0 = off)");
            }
            budget = b.asInt();
            if (budget == 0 && !thinkingCanBeOff(model == null ? family : model)) {
                throw fail(tw + ".thinkingBudget", tw + ".thinkingBudget 0: " + model
                        + " only works in thinking mode");
            }
        }
        String level = text(t, "thinkingLevel", tw);
        if (level != null) {
            level = level.trim().toUpperCase(Locale.ROOT);
            if (!THINKING_LEVELS.contains(level)) {
                throw fail(tw + ".thinkingLevel", tw + ".thinkingLevel must be one of MINIMAL, LOW, MEDIUM, HIGH");
            }
            if (budget != null) {
                throw fail(tw + ".thinkingLevel", tw + ": thinkingLevel and thinkingBudget together are refused by"
                        + " Google; choose one");
            }
        }
        if (provider.equals(Target.OPENROUTER) && (!tools.isEmpty() || budget != null || level != null)) {
            throw fail(tw, tw + ": addTools, thinkingBudget and thinkingLevel apply to Google targets only");
        }
        boolean paid = pool != null && pools != null && pools.get(pool);
        return new Target(pool, model, provider, tools, budget, paid, hasFamily ? family : null, level);
    }

    /** Google: "2.5 Pro only works in thinking mode" (budget 0 is refused); other models may turn it off. */
    public static boolean thinkingCanBeOff(String model) {
        return !model.contains("-pro");
    }

    private static Long longContext(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? DEFAULT_LONG_CONTEXT_TOKENS : null;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0) {
            throw fail(where, where + " must be a number of estimated prompt tokens (or true for "
                    + DEFAULT_LONG_CONTEXT_TOKENS + ")");
        }
        return v.asLong();
    }

    private static Boolean bool(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw fail(where, where + " must be true or false");
        }
        return v.asBoolean();
    }

    private static InvalidRoutes fail(String where, String message) {
        InvalidRoutes e = new InvalidRoutes(message);
        e.where = where;
        return e;
    }

    static String stripModels(String model) {
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw fail(where + "." + field, where + "." + field + " must be a string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw fail(where, where + " must be a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isValueNode() || s.asText().isEmpty()) {
                throw fail(where, where + " must hold non-empty strings");
            }
            out.add(s.asText());
        }
        return List.copyOf(out);
    }

    public RouteRule rule(String name) {
        for (RouteRule r : rules) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** Every alias clients may send as a model name (a rule's models, and the route names). */
    public List<String> aliases() {
        return aliases;
    }

    /**
     * First matching rule wins; then a route named like the model; then, for a concrete model, that model from any
     * pool; with no model at all, the default route. Null when nothing fits (no model and no default).
     */
    public RouteDecision resolve(OperationKind kind, String model, String latestUserText) {
        return resolve(RequestTraits.simple(kind, model, latestUserText));
    }

    /**
     * True when the request names a concrete model: a Google model ID ({@link RequestTraits#isGoogleModelId}) that is
     * neither a route name nor an alias listed in a rule's {@code models}. Such a request gets that model: rules on
     * request parameters do not claim it (design §5, issue 19).
     */
    public boolean namesConcreteModel(String model) {
        if (model == null) {
            return false;
        }
        Boolean known = concrete.get(model);
        if (known == null) {
            known = rule(model) == null && !aliasSet.contains(model) && RequestTraits.isGoogleModelId(model);
            if (concrete.size() >= MAX_CACHED_MODELS) {
                concrete.clear();
            }
            concrete.put(model, known);
        }
        return known;
    }

    /**
     * As above, on every trait of the request. A concrete model named with a {@code -search} suffix goes direct with
     * googleSearch added; with {@code -non-thinking}, direct with thinkingBudget 0 where the model allows it. A
     * concrete model is matched only by conditions that do not read request parameters (operation, models, keywords,
     * header, and webSearch / image as far as the model name says); a rule matched through webSearch / image by the
     * model name serves the named model from its pools (its Google targets, the model replaced by the named one).
     */
    public RouteDecision resolve(RequestTraits request) {
        String m = request.model();
        boolean concrete = namesConcreteModel(m);
        for (RouteRule r : rules) {
            if (r.matches(request, concrete)) {
                if (concrete && (r.webSearch() != null || r.image() != null) && r.keywords().isEmpty()
                        && r.header() == null) {
                    List<Target> pinned = pinned(r, m);
                    if (!pinned.isEmpty()) {
                        return new RouteDecision(r.name(), pinned);
                    }
                    continue;
                }
                return new RouteDecision(r.name(), r.targets());
            }
        }
        if (m != null) {
            RouteRule named = rule(m);
            if (named != null) {
                return new RouteDecision(named.name(), named.targets());
            }
            return new RouteDecision(RouteDecision.DIRECT, List.of(direct(m)));
        }
        if (defaultRoute != null) {
            RouteRule d = rule(defaultRoute);
            return new RouteDecision(d.name(), d.targets());
        }
        return null;
    }

    /** The rule's Google targets in their pools, serving {@code model} (its {@code -search} suffix as googleSearch). */
    private static List<Target> pinned(RouteRule rule, String model) {
        Target named = direct(model);
        List<Target> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Target t : rule.targets()) {
            if (t.openRouter()) {
                continue; // another vendor's model ID: not the model the client named
            }
            List<String> tools = new ArrayList<>(t.addTools());
            named.addTools().stream().filter(x -> !tools.contains(x)).forEach(tools::add);
            Target p = new Target(t.pool(), named.model(), Target.GOOGLE, tools, named.thinkingBudget(), t.paid(),
                    null, null);
            if (seen.add(p.label() + tools)) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    private static Target direct(String model) {
        if (RequestTraits.isSearchAlias(model)) {
            String base = model.substring(0, model.length() - RequestTraits.SEARCH_SUFFIX.length());
            return new Target(null, base, Target.GOOGLE, List.of(Target.GOOGLE_SEARCH), null, false);
        }
        if (model.endsWith(RequestTraits.NON_THINKING_SUFFIX) && model.length() > RequestTraits.NON_THINKING_SUFFIX.length()) {
            String base = model.substring(0, model.length() - RequestTraits.NON_THINKING_SUFFIX.length());
            return new Target(null, base, Target.GOOGLE, List.of(), thinkingCanBeOff(base) ? 0 : null, false);
        }
        return Target.google(null, model);
    }
}
