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

/**
 * {@code POST /usage/events}: validate each event, write the valid ones idempotently, count them, and name the
 * refused ones. A batch whose events are all invalid is a 400 (nothing written); a mixed batch is a 200 whose
 * {@code rejected} lists what was not counted.
 */
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
        EventValidator.Checked checked;
        try {
            checked = EventValidator.check(batch, config.usage().maxBatchSize());
        } catch (UsageRequestException e) {
            metrics.rejectedBatch();
            return Uni.createFrom().failure(e);
        }
        List<RefusedEvent> refused = checked.refused();
        if (!refused.isEmpty()) {
            metrics.refused(refused.size());
            LOG.warnf("usage: refused %d of %d events of a batch; first: %s", refused.size(), batch.events().size(),
                    refused.get(0).error());
        }
        List<NewEvent> events = new ArrayList<>(checked.events());
        if (events.isEmpty()) {
            if (refused.isEmpty()) {
                return Uni.createFrom().item(new IngestResult(0, 0));
            }
            metrics.rejectedBatch();
            return Uni.createFrom().failure(new UsageRequestException(400, refused.get(0).error()
                    + (refused.size() > 1 ? " (and " + (refused.size() - 1) + " more refused events)" : ""), refused));
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
                    return new IngestResult(accepted, size - accepted, refused);
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
