package org.geminipool.keypool.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.geminipool.keypool.ModelQuota;

import java.util.List;

@ApplicationScoped
@WithSession
public class ModelQuotaRepository implements PanacheRepositoryBase<ModelQuota, String> {

    public Uni<List<ModelQuota>> allSorted() {
        return list("order by model");
    }
}
