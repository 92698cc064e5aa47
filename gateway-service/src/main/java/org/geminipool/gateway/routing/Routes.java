package org.geminipool.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A parsed, validated routing file (design §5). Immutable. */
public record Routes(String defaultRoute, List<RouteRule> rules) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Thrown with a message naming what is wrong (and where) in the YAML. */
    public static final class InvalidRoutes extends RuntimeException {
        public InvalidRoutes(String message) {
            super(message);
        }
    }

    public static Routes parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (Exception e) {
            throw new InvalidRoutes("not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRoutes("the routing file must be a mapping with 'routes' (and optionally 'default')");
        }
        JsonNode routesNode = root.get("routes");
        if (routesNode == null || !routesNode.isArray() || routesNode.isEmpty()) {
            throw new InvalidRoutes("'routes' must be a non-empty list");
        }
        List<RouteRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < routesNode.size(); i++) {
            JsonNode r = routesNode.get(i);
            String where = "routes[" + i + "]";
            if (!r.isObject()) {
                throw new InvalidRoutes(where + " must be a mapping");
            }
            String name = text(r, "name", where);
            if (name == null || name.isBlank()) {
                throw new InvalidRoutes(where + ".name is required");
            }
            if (!names.add(name)) {
                throw new InvalidRoutes(where + ": route name '" + name + "' is used twice");
            }
            JsonNode match = r.get("match");
            List<String> keywords = List.of();
            List<String> models = List.of();
            String operation = null;
            if (match != null && !match.isNull()) {
                if (!match.isObject()) {
                    throw new InvalidRoutes(where + ".match must be a mapping");
                }
                for (var it = match.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!Set.of("keywords", "operation", "models").contains(f)) {
                        throw new InvalidRoutes(where + ".match." + f + " is unknown (keywords, operation, models)");
                    }
                }
                keywords = strings(match.get("keywords"), where + ".match.keywords");
                models = strings(match.get("models"), where + ".match.models");
                operation = text(match, "operation", where + ".match");
                if (operation != null) {
                    operation = operation.trim().toLowerCase(Locale.ROOT);
                    String op = operation;
                    boolean known = false;
                    for (OperationKind k : OperationKind.values()) {
                        known |= k.yamlName().equals(op);
                    }
                    if (!known) {
                        throw new InvalidRoutes(where + ".match.operation '" + operation
                                + "' is unknown (generate, embed, count, models)");
                    }
                }
            }
            JsonNode targetsNode = r.get("targets");
            if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
                throw new InvalidRoutes(where + ".targets must be a non-empty list");
            }
            List<Target> targets = new ArrayList<>();
            for (int j = 0; j < targetsNode.size(); j++) {
                JsonNode t = targetsNode.get(j);
                String tw = where + ".targets[" + j + "]";
                if (!t.isObject()) {
                    throw new InvalidRoutes(tw + " must be a mapping");
                }
                String model = text(t, "model", tw);
                if (model == null || model.isBlank()) {
                    throw new InvalidRoutes(tw + ".model is required");
                }
                String provider = text(t, "provider", tw);
                provider = provider == null ? Target.GOOGLE : provider.trim().toLowerCase(Locale.ROOT);
                if (!provider.equals(Target.GOOGLE) && !provider.equals(Target.OPENROUTER)) {
                    throw new InvalidRoutes(tw + ".provider '" + provider + "' is unknown (google, openrouter)");
                }
                String pool = text(t, "pool", tw);
                if (provider.equals(Target.OPENROUTER) && pool != null) {
                    throw new InvalidRoutes(tw + ": an openrouter target has no pool");
                }
                targets.add(new Target(pool == null || pool.isBlank() ? null : pool.trim(), stripModels(model.trim()),
                        provider));
            }
            rules.add(new RouteRule(name, keywords, operation, models, List.copyOf(targets)));
        }
        String def = text(root, "default", "the file");
        if (def != null && !names.contains(def)) {
            throw new InvalidRoutes("default route '" + def + "' is not one of the routes");
        }
        return new Routes(def, List.copyOf(rules));
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
            throw new InvalidRoutes(where + "." + field + " must be a string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode v, String where) {
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new InvalidRoutes(where + " must be a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isValueNode() || s.asText().isEmpty()) {
                throw new InvalidRoutes(where + " must hold non-empty strings");
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
        Set<String> seen = new java.util.LinkedHashSet<>();
        for (RouteRule r : rules) {
            seen.addAll(r.models());
        }
        return List.copyOf(seen);
    }

    /**
     * First matching rule wins; then a route named like the model; then, for a concrete model, that model from any
     * pool; with no model at all, the default route. Null when nothing fits (no model and no default).
     */
    public RouteDecision resolve(OperationKind kind, String model, String latestUserText) {
        String m = model == null || model.isBlank() ? null : stripModels(model.trim());
        for (RouteRule r : rules) {
            if (r.matches(kind, m, latestUserText)) {
                return new RouteDecision(r.name(), r.targets());
            }
        }
        if (m != null) {
            RouteRule named = rule(m);
            if (named != null) {
                return new RouteDecision(named.name(), named.targets());
            }
            return new RouteDecision(RouteDecision.DIRECT, List.of(Target.google(null, m)));
        }
        if (defaultRoute != null) {
            RouteRule d = rule(defaultRoute);
            return new RouteDecision(d.name(), d.targets());
        }
        return null;
    }
}
