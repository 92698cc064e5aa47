package org.geminipool.keypool.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.KeyState;
import org.geminipool.keypool.repository.KeySqlRepository;
import org.geminipool.keypool.repository.KeySqlRepository.KeyView;
import org.geminipool.keypool.repository.KeySqlRepository.NewKey;
import org.geminipool.keypool.quota.FamilyQuotas;
import org.geminipool.keypool.repository.LeaseRepository;
import org.geminipool.keypool.repository.LeaseRepository.Candidate;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Key administration: import, list, change, delete, pools and their capacity. Never returns or logs a raw key. */
@ApplicationScoped
public class KeyAdminService {

    private static final Logger LOG = Logger.getLogger(KeyAdminService.class);
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,64}");
    static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");
    public static final int MAX_IMPORT_LINES = 100_000;
    public static final String DEFAULT_POOL = "default";

    public record Rejected(int line, String reason) {
    }

    public record ImportedKey(String id, String masked, String project, Set<String> pools) {
    }

    public record ImportResult(int added, int duplicates, List<Rejected> rejected, List<ImportedKey> keys) {
    }

    public record KeyPatch(String state, List<String> pools, String project) {
    }

    @Inject
    KeySqlRepository keys;
    @Inject
    LeaseRepository leases;
    @Inject
    FamilyQuotas families;
    @Inject
    KeyCrypto crypto;
    @Inject
    TimeSource time;

    private record Parsed(int line, String raw, String fingerprint, String project, Set<String> pools) {
    }

    /**
     * Validates every line first, then writes the good ones in one transaction: a bad line never blocks the good
     * ones, and nothing is half-written.
     */
    public Uni<ImportResult> importKeys(String body, String defaultPool, String defaultProject) {
        Set<String> poolDefaults = defaultPool == null || defaultPool.isBlank() ? Set.of(DEFAULT_POOL)
                : parsePools(defaultPool, "query parameter pool");
        if (defaultProject != null && !defaultProject.isBlank() && !PROJECT.matcher(defaultProject.trim()).matches()) {
            throw ApiException.badRequest("query parameter project must be 1-128 characters of [A-Za-z0-9._:/@-]");
        }
        String projectDefault = defaultProject == null || defaultProject.isBlank() ? null : defaultProject.trim();
        String[] lines = (body == null ? "" : body).split("\r?\n|\r", -1);
        if (lines.length > MAX_IMPORT_LINES) {
            throw ApiException.error(413, "at most " + MAX_IMPORT_LINES + " lines per import");
        }
        List<Rejected> rejected = new ArrayList<>();
        List<Parsed> good = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        int duplicates = 0;
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] tokens = line.split("\\s+");
            String raw = tokens[0];
            // Any kind Google issues (AIza…, AQ.…, IQ.…, whatever comes next): only what cannot be a key is refused.
            String keyProblem = org.geminipool.contract.ApiKeys.problem(raw);
            if (keyProblem != null) {
                rejected.add(new Rejected(lineNo, "not an API key: " + keyProblem));
                continue;
            }
            Set<String> pools = poolDefaults;
            String project = projectDefault;
            String problem = null;
            for (int t = 1; t < tokens.length && problem == null; t++) {
                String token = tokens[t];
                try {
                    if (token.startsWith("pool=")) {
                        pools = parsePools(token.substring(5), "pool");
                    } else if (token.startsWith("project=")) {
                        project = token.substring(8);
                        if (!PROJECT.matcher(project).matches()) {
                            problem = "project must be 1-128 characters of [A-Za-z0-9._:/@-]";
                        }
                    } else {
                        problem = "unknown option '" + LeaseService.LeaseRepositoryText.clip(
                                token.length() > 40 ? token.substring(0, 40) + "…" : token)
                                + "' (expected pool=a,b or project=name)";
                    }
                } catch (ApiException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                rejected.add(new Rejected(lineNo, problem));
                continue;
            }
            String fingerprint = crypto.fingerprint(raw);
            Integer first = seen.putIfAbsent(fingerprint, lineNo);
            if (first != null) {
                duplicates++;
                continue;
            }
            good.add(new Parsed(lineNo, raw, fingerprint,
                    project == null ? "key-" + fingerprint.substring(0, 12) : project, pools));
        }
        final int duplicatesInBody = duplicates;
        long now = time.nowMillis();
        return keys.existingFingerprints(good.stream().map(Parsed::fingerprint).toList()).flatMap(existing -> {
            List<Parsed> fresh = good.stream().filter(p -> !existing.contains(p.fingerprint())).toList();
            List<NewKey> rows = fresh.stream().map(p -> new NewKey(crypto.encrypt(p.raw()), p.fingerprint(),
                    KeyCrypto.mask(p.raw()), p.project(), p.pools())).toList();
            return keys.insertAll(rows, now).map(ids -> {
                List<ImportedKey> added = new ArrayList<>();
                for (Parsed p : fresh) {
                    Long id = ids.get(p.fingerprint());
                    if (id != null) {
                        added.add(new ImportedKey(String.valueOf(id), KeyCrypto.mask(p.raw()), p.project(),
                                new TreeSet<>(p.pools())));
                    }
                }
                int dup = duplicatesInBody + (good.size() - added.size());
                LOG.infof("key import: %d added, %d duplicates, %d rejected", added.size(), dup, rejected.size());
                return new ImportResult(added.size(), dup, rejected, added);
            });
        });
    }

    static Set<String> parsePools(String value, String what) {
        Set<String> pools = new LinkedHashSet<>();
        for (String p : value.split(",")) {
            String name = p.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw ApiException.badRequest(what + ": pool names are 1-64 characters of [A-Za-z0-9._:/-]");
            }
            pools.add(name);
        }
        if (pools.isEmpty()) {
            throw ApiException.badRequest(what + ": at least one pool name is required");
        }
        return pools;
    }

    public Uni<List<KeyView>> list(String pool, String state, String project) {
        if (state != null && !state.isBlank()) {
            parseState(state, true);
        }
        return keys.list(blank(pool), blank(state) == null ? null : state.trim().toUpperCase(), blank(project));
    }

    public Uni<KeyView> get(String id) {
        return keys.find(parseId(id)).map(view -> {
            if (view == null) {
                throw ApiException.notFound("unknown key " + id);
            }
            return view;
        });
    }

    public Uni<KeyView> patch(String id, KeyPatch patch) {
        long keyId = parseId(id);
        if (patch == null || (patch.state() == null && patch.pools() == null && patch.project() == null)) {
            throw ApiException.badRequest("give at least one of state (ACTIVE|DISABLED), pools, project");
        }
        String state = patch.state() == null ? null : parseState(patch.state(), false).name();
        Set<String> pools = null;
        if (patch.pools() != null) {
            pools = new TreeSet<>();
            for (String p : patch.pools()) {
                if (p == null || !NAME.matcher(p).matches()) {
                    throw ApiException.badRequest("pools: names are 1-64 characters of [A-Za-z0-9._:/-]");
                }
                pools.add(p);
            }
        }
        if (patch.project() != null && !PROJECT.matcher(patch.project()).matches()) {
            throw ApiException.badRequest("project must be 1-128 characters of [A-Za-z0-9._:/@-]");
        }
        return keys.update(keyId, state, pools, patch.project(), time.nowMillis()).flatMap(found -> {
            if (!found) {
                throw ApiException.notFound("unknown key " + id);
            }
            return get(id);
        });
    }

    public Uni<Void> delete(String id) {
        return keys.delete(parseId(id)).map(found -> {
            if (!found) {
                throw ApiException.notFound("unknown key " + id);
            }
            return null;
        });
    }

    public Uni<List<Map<String, Object>>> pools() {
        return keys.pools();
    }

    /** Per model: keys usable now, requests left this minute and today (shared buckets counted once per project). */
    public Uni<Map<String, Object>> capacity(String pool) {
        if (!NAME.matcher(pool).matches()) {
            throw ApiException.badRequest("pool names are 1-64 characters of [A-Za-z0-9._:/-]");
        }
        long now = time.nowMillis();
        long minute = TimeSource.minuteWindow(now);
        int day = TimeSource.dayWindow(now);
        return keys.knownModels().flatMap(models -> {
            List<Uni<Map<String, Object>>> perModel = new ArrayList<>();
            for (String model : models) {
                perModel.add(families.ensureLoaded().flatMap(v -> leases.candidates(pool, model))
                        .map(cands -> modelCapacity(model, cands, families.match(model), minute, day, now)));
            }
            Uni<List<Map<String, Object>>> all = perModel.isEmpty() ? Uni.createFrom().item(List.of())
                    : Uni.join().all(perModel).andFailFast();
            return all.map(list -> {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("pool", pool);
                out.put("models", list.stream().filter(m -> ((Integer) m.get("keys")) > 0).toList());
                return out;
            });
        });
    }

    /**
     * One model's capacity from the effective limits (design §3 resolution): a project's bucket is counted once however
     * many keys it has; a window with no known limit makes that figure null ("unknown until Google names one").
     */
    static Map<String, Object> modelCapacity(String model, List<Candidate> cands, FamilyQuotas.FamilyQuota family,
                                             long minute, int day, long now) {
        int usable = 0;
        Map<Long, LeaseService.Scored> projects = new LinkedHashMap<>();
        for (Candidate c : cands) {
            if (c.state() == KeyState.ACTIVE) {
                LeaseService.Scored s = new LeaseService.Scored(c, LeaseService.limits(c, family, now));
                projects.putIfAbsent(c.projectId(), s);
                if (LeaseService.hasRoom(s, minute, day, now, 0)) {
                    usable++;
                }
            }
        }
        Long leftMinute = 0L;
        Long leftDay = 0L;
        java.util.Set<String> sources = new java.util.TreeSet<>();
        for (LeaseService.Scored s : projects.values()) {
            var b = s.c().bucket();
            var l = s.limits();
            sources.add(l.rpm().source().name());
            sources.add(l.rpd().source().name());
            if (s.c().retired() || l.parked() || s.c().blockedUntilMs() > now) {
                continue;
            }
            Long dayLeft = b.exhaustedDay() == day ? Long.valueOf(0L)
                    : l.rpd().value() == null ? null : Math.max(0, l.rpd().value() - b.dayUsedIn(day));
            leftDay = leftDay == null || dayLeft == null ? null : leftDay + dayLeft;
            if (LeaseService.hasRoom(s, minute, day, now, 0)) {
                Long minuteLeft = l.rpm().value() == null ? null : Math.max(0, l.rpm().value() - b.minuteUsedIn(minute));
                Long both = minuteLeft == null ? dayLeft : dayLeft == null ? minuteLeft : Math.min(dayLeft, minuteLeft);
                leftMinute = leftMinute == null || both == null ? null : leftMinute + both;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("keys", cands.size());
        m.put("usableKeys", usable);
        m.put("projects", projects.size());
        m.put("leftThisMinute", leftMinute);
        m.put("leftToday", leftDay);
        m.put("limitSources", List.copyOf(sources));
        return m;
    }

    static KeyState parseState(String state, boolean allowBanned) {
        try {
            KeyState s = KeyState.valueOf(state.trim().toUpperCase());
            if (s == KeyState.BANNED && !allowBanned) {
                throw ApiException.badRequest("state can be set to ACTIVE or DISABLED (BANNED is set by outcomes)");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("state must be one of " + (allowBanned ? Arrays.toString(KeyState.values())
                    : "[ACTIVE, DISABLED]"));
        }
    }

    static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("unknown key " + LeaseService.LeaseRepositoryText.clip(
                    id.length() > 40 ? id.substring(0, 40) : id));
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
