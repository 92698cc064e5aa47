package org.geminipool.usage.service;

import io.smallrye.mutiny.Uni;
import io.vertx.mysqlclient.MySQLException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.usage.config.UsageConfig;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code POST /usage/events}: validate the whole batch, write it idempotently, count it. */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);
    /** Attempts for one batch when the database picks it as a deadlock victim (concurrent batches). */
    static final int ATTEMPTS = 5;

    @Inject
    UsageConfig config;

    @Inject
    IngestTransaction transaction;

    @Inject
    UsageMetrics metrics;

    public Uni<IngestResult> ingest(EventBatch batch) {
        List<NewEvent> events;
        try {
            events = new ArrayList<>(EventValidator.validate(batch, config.usage().maxBatchSize()));
        } catch (UsageRequestException e) {
            metrics.rejectedBatch();
            return Uni.createFrom().failure(e);
        }
        if (events.isEmpty()) {
            return Uni.createFrom().item(new IngestResult(0, 0));
        }
        // Same lock order in every transaction: concurrent overlapping batches wait instead of deadlocking.
        events.sort(Comparator.comparing(NewEvent::eventId));
        int size = events.size();
        return Uni.createFrom().deferred(() -> transaction.apply(events))
                .onFailure(IngestService::isTransient).invoke(e -> LOG.debugf("retrying usage batch: %s", e.getMessage()))
                .onFailure(IngestService::isTransient).retry().atMost(ATTEMPTS - 1)
                .map(accepted -> {
                    metrics.received(size);
                    metrics.accepted(accepted);
                    metrics.duplicates(size - accepted);
                    return new IngestResult(accepted, size - accepted);
                });
    }

    /** Deadlock (1213) or lock wait timeout (1205): the transaction was rolled back and can simply run again. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MySQLException e && (e.getErrorCode() == 1213 || e.getErrorCode() == 1205)) {
                return true;
            }
            if (t instanceof SQLException e && "40001".equals(e.getSQLState())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("Deadlock found")) {
                return true;
            }
        }
        return false;
    }
}
