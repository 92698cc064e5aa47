package org.geminipool.common.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.properties.UnlessBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.Connection;
import java.sql.SQLException;

/** Ready when the schema is migrated and the database answers now. */
@Readiness
@ApplicationScoped
@UnlessBuildProperty(name = "gemini-pool.db.enabled", stringValue = "false", enableIfMissing = true)
public class DatabaseReadinessCheck implements HealthCheck {

    @Inject
    DatabaseMigration migration;

    @Inject
    AgroalDataSource dataSource;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database");
        if (!migration.isMigrated()) {
            return response.down().withData("error", String.valueOf(migration.lastError())).build();
        }
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2) ? response.up().build()
                    : response.down().withData("error", "connection not valid").build();
        } catch (SQLException e) {
            return response.down().withData("error", DatabaseMigration.rootMessage(e)).build();
        }
    }
}
