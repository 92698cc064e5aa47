package org.geminipool.common.db;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.arc.properties.UnlessBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Applies the service's Flyway migrations at start. A database that is down or misconfigured must not crash the
 * service: it logs one clear line naming the setting, keeps readiness DOWN, and retries in the background.
 */
@ApplicationScoped
@UnlessBuildProperty(name = "gemini-pool.db.enabled", stringValue = "false", enableIfMissing = true)
public class DatabaseMigration {

    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class);

    @Inject
    Instance<Flyway> flyway;

    @ConfigProperty(name = "gemini-pool.db.url", defaultValue = "mysql://127.0.0.1:3306")
    String databaseUrl;

    @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "root")
    String databaseUser;

    @ConfigProperty(name = "gemini-pool.db.migration-retry-seconds", defaultValue = "10")
    int retrySeconds;

    private volatile boolean migrated;
    private volatile String lastError;
    private ScheduledExecutorService retries;

    void onStart(@Observes StartupEvent event) {
        if (!migrate()) {
            retries = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "db-migration-retry");
                t.setDaemon(true);
                return t;
            });
            retries.scheduleWithFixedDelay(() -> {
                if (migrate()) {
                    retries.shutdown();
                }
            }, retrySeconds, retrySeconds, TimeUnit.SECONDS);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (retries != null) {
            retries.shutdownNow();
        }
    }

    /** Runs the migrations once; true when the schema is current. */
    public synchronized boolean migrate() {
        if (migrated) {
            return true;
        }
        try {
            var result = flyway.get().migrate();
            migrated = true;
            lastError = null;
            LOG.infof("database schema is current (%d migration(s) applied now, version %s)",
                    result.migrationsExecuted, result.targetSchemaVersion);
            return true;
        } catch (RuntimeException e) {
            String message = rootMessage(e);
            if (!Objects.equals(message, lastError)) {
                // One line, no stack trace: the usual cause is a wrong setting, and the operator needs its name.
                LOG.errorf("database not usable (GEMINI_POOL_DB_URL=%s, GEMINI_POOL_DB_USER=%s): %s; "
                        + "readiness stays DOWN, retrying every %ds", databaseUrl, databaseUser, message, retrySeconds);
            }
            lastError = message;
            return false;
        }
    }

    public boolean isMigrated() {
        return migrated;
    }

    public String lastError() {
        return lastError;
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
