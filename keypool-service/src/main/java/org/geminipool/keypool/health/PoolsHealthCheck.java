package org.geminipool.keypool.health;

import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.geminipool.keypool.repository.KeySqlRepository;

/**
 * {@code /q/health/group/pools}: DOWN while some pool has no ACTIVE key. Deliberately not a readiness check: an
 * empty pool is an operating condition, not a reason to take the pod out of service.
 */
@HealthGroup("pools")
@ApplicationScoped
public class PoolsHealthCheck implements io.smallrye.health.api.AsyncHealthCheck {

    @Inject
    KeySqlRepository keys;

    @Override
    public Uni<HealthCheckResponse> call() {
        return keys.poolsWithoutActiveKey().map(pools -> HealthCheckResponse.named("pools")
                        .status(pools.isEmpty()).withData("poolsWithoutActiveKey", String.join(",", pools)).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("pools").down()
                        .withData("error", e.getClass().getSimpleName()).build());
    }
}
