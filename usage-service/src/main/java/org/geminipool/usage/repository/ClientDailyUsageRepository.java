package org.geminipool.usage.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.geminipool.usage.ClientDailyUsage;

import java.time.LocalDate;
import java.util.List;

@ApplicationScoped
@WithSession
public class ClientDailyUsageRepository implements PanacheRepositoryBase<ClientDailyUsage, ClientDailyUsage.Pk> {

    /** Rows of one day, ordered by client token id then model. */
    public Uni<List<ClientDailyUsage>> forDay(LocalDate day) {
        return find("day = ?1", Sort.by("clientTokenId").and("model"), day).list();
    }
}
