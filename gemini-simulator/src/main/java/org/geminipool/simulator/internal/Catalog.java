package org.geminipool.simulator.internal;

import org.geminipool.simulator.Retirement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live catalogue of one simulator: served models, {@code -latest} aliases and their targets, retired IDs,
 * auto-routes and quota-model overrides. Starts as {@link ModelCatalog}'s built-ins; tests change it at runtime.
 * Not thread-safe on its own: {@link SimState} owns it and calls it under its lock.
 */
final class Catalog {

    /**
     * What a requested ID resolves to for one project. {@code model} is the model that serves (its name is the
     * {@code modelVersion} of the answer); {@code gone} says why nothing serves; both null = unknown ID.
     */
    record Lookup(ModelCatalog.Model model, Retirement gone) {
    }

    /** Bounds the route → alias chain so a cycle built by a test cannot loop. */
    private static final int MAX_HOPS = 8;

    private final Map<String, ModelCatalog.Model> models = ModelCatalog.builtInModels();
    private final Map<String, ModelCatalog.Alias> aliases = ModelCatalog.builtInAliases();
    private final Map<String, String> aliasTargets = new LinkedHashMap<>();
    private final Map<String, Retirement> retired = ModelCatalog.builtInRetirements();
    private final Map<String, String> autoRoutes = ModelCatalog.builtInAutoRoutes();
    private final Map<String, String> quotaModels = new LinkedHashMap<>();

    Catalog() {
        aliases.forEach((name, a) -> aliasTargets.put(name, a.defaultTarget()));
    }

    /** Follows auto-routes and aliases to the model that serves {@code requested}, honouring retirement. */
    Lookup resolve(String requested, boolean legacyProject) {
        String name = requested;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            String next = autoRoutes.containsKey(name) ? autoRoutes.get(name) : aliasTargets.get(name);
            if (next == null) {
                break;
            }
            name = next;
        }
        Retirement r = retired.get(name);
        if (r == Retirement.SHUTDOWN) {
            return new Lookup(null, Retirement.SHUTDOWN);
        }
        ModelCatalog.Model m = models.get(name);
        if (m != null && r == Retirement.CLOSED_TO_NEW && !legacyProject) {
            return new Lookup(null, Retirement.CLOSED_TO_NEW);
        }
        return new Lookup(m, null);
    }

    /** The resource models.get answers for {@code name}: a listed model or an alias's own resource; null otherwise. */
    ModelCatalog.Model listedResource(String name) {
        ModelCatalog.Alias a = aliases.get(name);
        if (a != null) {
            return a.resource();
        }
        return retired.get(name) == Retirement.SHUTDOWN ? null : models.get(name);
    }

    /** What models.list shows: served models (closed-to-new ones too), then the aliases. */
    List<ModelCatalog.Model> listed() {
        List<ModelCatalog.Model> out = new ArrayList<>(models.size() + aliases.size());
        models.forEach((name, m) -> {
            if (retired.get(name) != Retirement.SHUTDOWN) {
                out.add(m);
            }
        });
        aliases.values().forEach(a -> out.add(a.resource()));
        return out;
    }

    boolean isAlias(String name) {
        return aliases.containsKey(name);
    }

    boolean has(String name) {
        return models.containsKey(name);
    }

    String quotaModelOf(ModelCatalog.Model m) {
        return quotaModels.getOrDefault(m.name(), m.quotaModel());
    }

    void setQuotaModel(String model, String quotaModel) {
        if (aliases.containsKey(model)) {
            throw new IllegalArgumentException(model + " is an alias: it counts on its target's quota model");
        }
        quotaModels.put(model, quotaModel);
    }

    void addGeneric(String name) {
        models.put(name, ModelCatalog.generic(name));
    }

    void addModel(String name, String likeModel) {
        if (aliases.containsKey(name)) {
            throw new IllegalArgumentException(name + " is an alias");
        }
        Lookup like = resolve(likeModel, true);
        if (like.model() == null) {
            throw new IllegalArgumentException("unknown model to copy: " + likeModel);
        }
        models.put(name, like.model().renamed(name));
        retired.remove(name);
        autoRoutes.remove(name);
    }

    void removeModel(String name) {
        models.remove(name);
        retired.remove(name);
        autoRoutes.remove(name);
        aliases.remove(name);
        aliasTargets.remove(name);
    }

    void retire(String name, Retirement how) {
        if (how == null) {
            throw new IllegalArgumentException("retirement is required (SHUTDOWN or CLOSED_TO_NEW)");
        }
        if (aliases.containsKey(name)) {
            throw new IllegalArgumentException(name + " is an alias: retire its target or move it");
        }
        if (how == Retirement.CLOSED_TO_NEW && !models.containsKey(name)) {
            throw new IllegalArgumentException("unknown model: " + name + " (closed-to-new models keep serving old projects)");
        }
        autoRoutes.remove(name);
        retired.put(name, how);
    }

    void autoRoute(String from, String to) {
        if (aliases.containsKey(from)) {
            throw new IllegalArgumentException(from + " is an alias: use setAliasTarget");
        }
        if (resolve(to, true).model() == null) {
            throw new IllegalArgumentException("unknown target model: " + to);
        }
        models.remove(from);
        retired.remove(from);
        autoRoutes.put(from, to);
    }

    void setAliasTarget(String alias, String target) {
        if (!aliases.containsKey(alias)) {
            throw new IllegalArgumentException("not an alias: " + alias + " (aliases: " + aliases.keySet() + ")");
        }
        if (aliases.containsKey(target) || !models.containsKey(target)) {
            throw new IllegalArgumentException("the target must be a served model, not " + target);
        }
        aliasTargets.put(alias, target);
    }

    Map<String, String> aliasTargets() {
        return new LinkedHashMap<>(aliasTargets);
    }

    Map<String, Retirement> retirements() {
        return new LinkedHashMap<>(retired);
    }

    Map<String, String> autoRoutes() {
        return new LinkedHashMap<>(autoRoutes);
    }

    List<ModelCatalog.Model> served() {
        return new ArrayList<>(models.values());
    }
}
