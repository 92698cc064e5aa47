package org.geminipool.keypool.snapshot;

import org.geminipool.keypool.KeyState;
import org.geminipool.keypool.repository.LeaseRepository.Bucket;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One replica's in-memory picture of everything the lease path reads but requests do not change: keys (with their
 * decrypted secret, held only here), projects, pool memberships, admin and project limits, sibling hints, the
 * quota-model mapping, retirements and the bucket states (learned limits, cooldowns, day marks, probe days). Immutable
 * once built; {@link Snapshots} swaps it when the change counter moves. The candidate groups of a pool are computed on
 * first use and memoised, so a lease touches the projects it tries, not every key of the pool.
 */
public final class Catalog {

    public record Key(long id, long projectId, KeyState state, String secret, Set<String> pools) {
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    public record Project(long id, String name, String tier, long blockedUntilMs) {
    }

    /** Limits from one source for one model: requests per minute, per day, input tokens per minute (null = none). */
    public record Limits(Long rpm, Long rpd, Long tpm) {
    }

    public record Hint(Long rpm, Long rpmAt, Long rpd, Long rpdAt, Long tpm, Long tpmAt) {
    }

    /** The keys of one project that a pool specification admits, with the ACTIVE ones apart. */
    public record Group(Project project, List<Key> keys, List<Key> active) {
    }

    /** Which keys a lease may use: one pool, or any pool but keys in {@code excluded}; optionally one project. */
    public record Spec(String pool, List<String> excluded, String project) {
    }

    public final long version;
    final Map<Long, Key> keys;
    final Map<Long, Project> projects;
    final Map<String, Project> projectsByName;
    final Map<String, Limits> modelQuotas;
    final Map<Pair, Limits> projectQuotas;   // (projectId, model)
    final Map<Pair, Hint> hints;             // (quotaModel, tier)
    final Map<String, String> quotaModels;
    final Set<Pair> retirements;             // (projectId, model), projectId 0 = everyone
    final Map<Pair, Bucket> buckets;         // (projectId, quotaModel)
    private final Map<Spec, List<Group>> groups = new ConcurrentHashMap<>();

    public Catalog(long version, Collection<Key> keys, Collection<Project> projects, Map<String, Limits> modelQuotas,
                   Map<Pair, Limits> projectQuotas, Map<Pair, Hint> hints, Map<String, String> quotaModels,
                   Set<Pair> retirements, Map<Pair, Bucket> buckets) {
        this.version = version;
        Map<Long, Key> k = new LinkedHashMap<>();
        keys.forEach(key -> k.put(key.id(), key));
        this.keys = k;
        Map<Long, Project> p = new LinkedHashMap<>();
        Map<String, Project> byName = new LinkedHashMap<>();
        projects.forEach(project -> {
            p.put(project.id(), project);
            byName.put(project.name(), project);
        });
        this.projects = p;
        this.projectsByName = byName;
        this.modelQuotas = Map.copyOf(modelQuotas);
        this.projectQuotas = Map.copyOf(projectQuotas);
        this.hints = Map.copyOf(hints);
        this.quotaModels = Map.copyOf(quotaModels);
        this.retirements = Set.copyOf(retirements);
        this.buckets = Map.copyOf(buckets);
    }

    /**
     * A two-part map key. A record, not a joined string: the lease path looks several up per project and lease, and
     * building strings for them was a third of its allocation (JFR at 5,000 leases/s).
     */
    public record Pair(Object a, Object b) {
    }

    public static Pair pair(Object a, Object b) {
        return new Pair(a, b);
    }

    public Key key(long id) {
        return keys.get(id);
    }

    public Project project(long id) {
        return projects.get(id);
    }

    public Project projectNamed(String name) {
        return projectsByName.get(name);
    }

    public String quotaModel(String model) {
        return quotaModels.getOrDefault(model, model);
    }

    public Limits modelQuota(String model) {
        return modelQuotas.get(model);
    }

    public Limits projectQuota(long projectId, String model) {
        return projectQuotas.isEmpty() ? null : projectQuotas.get(pair(projectId, model));
    }

    public Hint hint(String quotaModel, String tier) {
        return hints.isEmpty() ? null : hints.get(pair(quotaModel, tier == null ? "FREE" : tier));
    }

    public boolean retired(long projectId, String model) {
        return !retirements.isEmpty()
                && (retirements.contains(pair(projectId, model)) || retirements.contains(pair(0L, model)));
    }

    /** The stored state of the (project, quota model) bucket as of this snapshot (counts included), or null. */
    public Bucket bucket(long projectId, String quotaModel) {
        return buckets.get(pair(projectId, quotaModel));
    }

    public int keyCount() {
        return keys.size();
    }

    /**
     * The projects whose keys {@code spec} admits, each with those keys; memoised per specification for the life of
     * this snapshot (bounded: a pathological caller sending ever new exclusion lists gets them computed, not stored).
     */
    public List<Group> groups(Spec spec) {
        List<Group> cached = groups.get(spec);
        if (cached != null) {
            return cached;
        }
        List<Group> computed = computeGroups(spec);
        if (groups.size() < 1024) {
            groups.putIfAbsent(spec, computed);
        }
        return computed;
    }

    private List<Group> computeGroups(Spec spec) {
        Map<Long, List<Key>> byProject = new LinkedHashMap<>();
        Project only = spec.project() == null ? null : projectsByName.get(spec.project());
        if (spec.project() != null && only == null) {
            return List.of();
        }
        for (Key k : keys.values()) {
            if (only != null && k.projectId() != only.id()) {
                continue;
            }
            if (spec.pool() != null) {
                if (!k.pools().contains(spec.pool())) {
                    continue;
                }
            } else if (!spec.excluded().isEmpty() && spec.excluded().stream().anyMatch(k.pools()::contains)) {
                continue;
            }
            byProject.computeIfAbsent(k.projectId(), x -> new ArrayList<>()).add(k);
        }
        List<Group> out = new ArrayList<>(byProject.size());
        byProject.forEach((projectId, list) -> {
            Project p = projects.get(projectId);
            if (p != null) {
                out.add(new Group(p, List.copyOf(list), list.stream().filter(k -> k.state() == KeyState.ACTIVE).toList()));
            }
        });
        return List.copyOf(out);
    }
}
