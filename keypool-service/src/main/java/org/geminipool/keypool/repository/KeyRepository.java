package org.geminipool.keypool.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.geminipool.keypool.ApiKey;
import org.geminipool.keypool.KeyState;

import java.util.List;

/** Keys through Hibernate (reads, state changes); bulk and pool membership go through {@link KeySqlRepository}. */
@ApplicationScoped
@WithSession
public class KeyRepository implements PanacheRepositoryBase<ApiKey, Long> {

    public Uni<List<ApiKey>> inState(KeyState state) {
        return list("state = ?1 order by id", state);
    }

    public Uni<Long> countInState(KeyState state) {
        return count("state", state);
    }
}
