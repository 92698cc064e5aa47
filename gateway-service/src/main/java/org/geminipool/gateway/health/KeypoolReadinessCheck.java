package org.geminipool.gateway.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.geminipool.gateway.quota.KeypoolHealthApi;

import java.time.Duration;

/** The gateway cannot serve a request without the keypool: ready only when the keypool answers ready. */
@Readiness
@ApplicationScoped
public class KeypoolReadinessCheck implements AsyncHealthCheck {

    @Inject
    @RestClient
    KeypoolHealthApi keypool;

    @Override
    public Uni<HealthCheckResponse> call() {
        return keypool.ready()
                .ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(response -> response.getStatus() == 200
                        ? HealthCheckResponse.named("keypool").up().build()
                        : HealthCheckResponse.named("keypool").down().withData("status", response.getStatus()).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("keypool").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
