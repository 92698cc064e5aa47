package org.geminipool.usage.service;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.usage.repository.UsageEventRepository;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * One ingestion, all or nothing: insert the new events (duplicates ignored by the database), then add exactly the
 * inserted rows to both aggregates.
 */
@ApplicationScoped
public class IngestTransaction {

    @Inject
    UsageEventRepository events;

    Clock clock = Clock.systemUTC();

    /** Returns how many of {@code sortedEvents} were new. */
    @WithTransaction
    public Uni<Integer> apply(List<NewEvent> sortedEvents) {
        String ingestId = UUID.randomUUID().toString();
        LocalDateTime now = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return events.insertIgnore(ingestId, now, sortedEvents).flatMap(inserted -> inserted == 0
                ? Uni.createFrom().item(0)
                : events.addToKeyAggregates(ingestId)
                        .flatMap(ignored -> events.addToClientAggregates(ingestId))
                        .map(ignored -> inserted));
    }
}
