package org.geminipool.keypool.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The change counter every replica polls ({@code gp_change}, V3): each write that changes what the in-memory snapshot
 * holds (keys, pools, projects, limits, hints, quota-model mapping, retirements, family rows, bucket states) calls
 * {@link #bump} in its own transaction, so a replica that sees the counter move reloads a state that includes it.
 */
public final class ChangeCounter {

    public static final String BUMP = "UPDATE gp_change SET version = version + 1 WHERE id = 1";

    private ChangeCounter() {
    }

    public static Uni<Void> bump(SqlConnection c) {
        return c.query(BUMP).execute().replaceWithVoid();
    }

    /** {@code work} in one transaction that also bumps the counter. */
    public static <T> Uni<T> inTransaction(io.vertx.mutiny.sqlclient.Pool pool,
                                           java.util.function.Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(c -> work.apply(c).flatMap(result -> bump(c).replaceWith(result)));
    }

    /** Runs after {@code work} in the same transaction and passes its result on. */
    public static <T> Uni<T> bumpAfter(SqlConnection c, Uni<T> work) {
        return work.flatMap(result -> bump(c).replaceWith(result));
    }
}
