package org.geminipool.usage;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

@Entity
@Table(name = "usage_event")
public class UsageEvent extends PanacheEntityBase {
    @Id
    @Column(name = "event_id", length = 36)
    public String eventId;
    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
}
