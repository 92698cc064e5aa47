package org.geminipool.usage.service;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.usage.config.UsageConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;

/**
 * The Responses door's store (gateway issue 20): one row per stored response, owned by the client token id that
 * created it, kept {@code GEMINI_POOL_USAGE_RETENTION_DAYS} days (deleted by the retention job). {@code data} is the
 * gateway's JSON (the Response object and the Gemini conversation), opaque here.
 */
@ApplicationScoped
public class StoredResponses {

    /** Largest stored document (MEDIUMTEXT holds 16 MB; a conversation beyond this is not kept). */
    public static final int MAX_DATA_CHARS = 8 * 1024 * 1024;

    public record Stored(String owner, String project, String data) {
    }

    @Inject
    Pool pool;

    @Inject
    UsageConfig config;

    Clock clock = Clock.systemUTC();

    /** Writes (or replaces, for the same owner) a stored response; false when another owner holds the id. */
    public Uni<Boolean> put(String id, String owner, String project, String data) {
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDateTime expires = now.plus(Duration.ofDays(config.usage().retentionDays()));
        return pool.preparedQuery("INSERT INTO stored_response (response_id, client_token_id, project, data, created_at,"
                        + " expires_at) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                        + " project = IF(client_token_id = VALUES(client_token_id), VALUES(project), project),"
                        + " data = IF(client_token_id = VALUES(client_token_id), VALUES(data), data),"
                        + " expires_at = IF(client_token_id = VALUES(client_token_id), VALUES(expires_at), expires_at)")
                .execute(Tuple.from(new Object[] {id, owner, project, data, now, expires}))
                .flatMap(r -> get(id, owner).map(s -> s != null));
    }

    /** The stored response of {@code owner}, or null (unknown, expired, or another client's). */
    public Uni<Stored> get(String id, String owner) {
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return pool.preparedQuery("SELECT client_token_id, project, data FROM stored_response WHERE response_id = ?"
                        + " AND client_token_id = ? AND expires_at > ?")
                .execute(Tuple.of(id, owner, now)).map(rows -> {
                    Iterator<Row> it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row row = it.next();
                    return new Stored(row.getString(0), row.getString(1), row.getString(2));
                });
    }

    /** Deletes a stored response of {@code owner}; true when there was one. */
    public Uni<Boolean> delete(String id, String owner) {
        return pool.preparedQuery("DELETE FROM stored_response WHERE response_id = ? AND client_token_id = ?")
                .execute(Tuple.of(id, owner)).map(r -> r.rowCount() > 0);
    }

    /** Retention: deletes at most {@code limit} expired rows. */
    public Uni<Integer> deleteExpired(int limit) {
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return pool.preparedQuery("DELETE FROM stored_response WHERE expires_at <= ? LIMIT ?")
                .execute(Tuple.of(now, limit)).map(r -> r.rowCount());
    }
}
