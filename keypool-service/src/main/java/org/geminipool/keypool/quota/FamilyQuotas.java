package org.geminipool.keypool.quota;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Family defaults: admin-editable rows matched by a glob pattern on the model ID ({@code *flash-lite*}); the longest
 * matching pattern wins, so {@code *flash-lite*} beats {@code *flash*}. A small table read on the lease path for
 * every request, so it is held in memory: reloaded every few seconds (other replicas' edits) and at once after an
 * edit on this replica.
 */
@ApplicationScoped
public class FamilyQuotas {

    private static final Logger LOG = Logger.getLogger(FamilyQuotas.class);
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9._*-]{1,128}");

    public record FamilyQuota(String pattern, Long rpm, Long rpd, Long tpm, String note) {
    }

    private record Compiled(FamilyQuota row, Pattern re) {
    }

    @Inject
    Pool pool;

    /** The compiled rows and, per model ID, the row it matched (no regex per lease); replaced together. */
    private record Table(List<Compiled> rows, Map<String, Optional<FamilyQuota>> byModel) {
    }

    /** Models remembered per table: any client may name any model, so the memo is bounded. */
    static final int MEMO_LIMIT = 1024;

    private volatile Table table;

    /** The row whose pattern matches {@code model}, longest pattern first; null when none. */
    public FamilyQuota match(String model) {
        Table current = table;
        if (current == null || model == null) {
            return null;
        }
        Optional<FamilyQuota> known = current.byModel().get(model);
        if (known != null) {
            return known.orElse(null);
        }
        FamilyQuota found = null;
        String lower = model.toLowerCase(Locale.ROOT);
        for (Compiled f : current.rows()) {
            if (f.re().matcher(lower).matches()) {
                found = f.row();
                break;
            }
        }
        if (current.byModel().size() < MEMO_LIMIT) {
            current.byModel().put(model, Optional.ofNullable(found));
        }
        return found;
    }

    public Uni<List<FamilyQuota>> all() {
        return reload();
    }

    public Uni<Void> ensureLoaded() {
        return table != null ? Uni.createFrom().voidItem() : reload().replaceWithVoid();
    }

    @Scheduled(every = "${gemini-pool.family-quotas-refresh:5s}", delay = 1, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return reload().replaceWithVoid().onFailure().recoverWithUni(e -> {
            LOG.debugf("family quotas not reloaded: %s", e.toString());
            return Uni.createFrom().voidItem();
        });
    }

    public Uni<List<FamilyQuota>> reload() {
        return pool.query("SELECT pattern, rpm, rpd, tpm, note FROM gp_family_quota").execute().map(set -> {
            List<FamilyQuota> out = new ArrayList<>();
            for (Row r : set) {
                out.add(new FamilyQuota(r.getString("pattern"), r.getLong("rpm"), r.getLong("rpd"), r.getLong("tpm"),
                        r.getString("note")));
            }
            return use(out);
        });
    }

    /** Puts {@code rows} in force, longest pattern first, with an empty memo; returns them in that order. */
    List<FamilyQuota> use(List<FamilyQuota> rows) {
        List<FamilyQuota> out = new ArrayList<>(rows);
        out.sort(Comparator.comparingInt((FamilyQuota f) -> -f.pattern().length()).thenComparing(FamilyQuota::pattern));
        table = new Table(out.stream().map(f -> new Compiled(f, glob(f.pattern()))).toList(), new ConcurrentHashMap<>());
        return List.copyOf(out);
    }

    /** Models remembered by the rows in force (for tests). */
    int memoSize() {
        Table current = table;
        return current == null ? 0 : current.byModel().size();
    }

    public Uni<Void> put(String pattern, Long rpm, Long rpd, Long tpm, String note, long nowMs) {
        return org.geminipool.keypool.repository.ChangeCounter.inTransaction(pool, c -> c.preparedQuery(
                        "INSERT INTO gp_family_quota (pattern, rpm, rpd, tpm, note, updated_at_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE rpm = VALUES(rpm), rpd = VALUES(rpd),"
                        + " tpm = VALUES(tpm), note = VALUES(note), updated_at_ms = VALUES(updated_at_ms)")
                .execute(Tuple.from(java.util.Arrays.asList(pattern, rpm, rpd, tpm, note, nowMs))))
                .flatMap(x -> reload()).replaceWithVoid();
    }

    public Uni<Boolean> delete(String pattern) {
        return org.geminipool.keypool.repository.ChangeCounter.inTransaction(pool, c -> c.preparedQuery(
                        "DELETE FROM gp_family_quota WHERE pattern = ?").execute(Tuple.of(pattern)))
                .flatMap(set -> reload().map(x -> set.rowCount() == 1));
    }

    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toLowerCase(Locale.ROOT).toCharArray()) {
            re.append(c == '*' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }
}
